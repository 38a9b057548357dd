"""Background work for federation: delivering one signed activity to one inbox."""

from huey.contrib.djhuey import db_task

from newsdesk.federation import remote
from newsdesk.federation.models import Actor

# A remote server that is down gets the Accept four more times, a minute apart.
RETRIES = 4
RETRY_DELAY = 60


class DeliveryFailed(Exception):
    """The inbox answered with an error or could not be reached; huey retries."""


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY)
def send_activity_task(actor_pk: int, actor_url: str, inbox: str, activity: dict) -> int:
    """POST `activity` to `inbox`, signed with our actor's key (keyId `actor_url#main-key`).
    A 4xx other than 429 will not change on retry and is given up on."""
    actor = Actor.objects.filter(pk=actor_pk).first()
    if actor is None:
        return 0
    try:
        status = remote.post_activity(
            inbox, activity, key_id=f"{actor_url}#main-key", private_key_pem=actor.private_key_pem
        )
    except remote.RemoteError as error:
        raise DeliveryFailed(str(error)) from None
    if status >= 500 or status == 429:
        raise DeliveryFailed(f"HTTP {status}")
    return status
