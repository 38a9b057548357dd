"""Reads about accounts."""

from allauth.account.models import EmailAddress
from django.db.models import Q

from newsdesk.accounts.models import User


def address_is_owned(*, email: str, exclude_user_id: int | None = None) -> bool:
    """True if an account owns `email`: it signed up with it (its login) or confirmed it.

    An unconfirmed address another account merely asked to change to owns nothing: anyone
    can type someone else's address, so it must not keep the address's owner out.
    """
    users = User.objects.filter(email__iexact=email)
    addresses = EmailAddress.objects.filter(email__iexact=email, verified=True)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
        addresses = addresses.exclude(user_id=exclude_user_id)
    return users.exists() or addresses.exists()


def unconfirmed_requests_for(*, email: str, exclude_user_id: int):
    """Other accounts' unconfirmed requests for `email` (changes to it they never confirmed)."""
    return EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(
        Q(user_id=exclude_user_id) | Q(user__email__iexact=email)
    )
