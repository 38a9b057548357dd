"""Who may manage webhooks: admins only (endpoints carry secrets and see every event). Tests
spell out the matrix; views call access_*."""

from django.http import Http404

from newsdesk.accounts.roles import ADMIN, PermissionTable
from newsdesk.webhooks.models import Delivery, Endpoint

PERMISSIONS = PermissionTable({"manage_webhooks": {ADMIN}})


def access_endpoints_for_managing(user) -> None:
    """The list of endpoints; to everyone but admins a page that does not exist."""
    if not PERMISSIONS.can(user, "manage_webhooks"):
        raise Http404("No such page")


def access_endpoint_for_managing(user, endpoint_id: int) -> Endpoint:
    """Any endpoint, for admins; "not found" alike for a missing one and for everyone else."""
    access_endpoints_for_managing(user)
    try:
        return Endpoint.objects.get(pk=endpoint_id)
    except (Endpoint.DoesNotExist, OverflowError):
        raise Http404("No such endpoint") from None


def access_delivery_for_managing(user, endpoint_id: int, delivery_id: int) -> Delivery:
    """A delivery of that endpoint, for admins."""
    endpoint = access_endpoint_for_managing(user, endpoint_id)
    try:
        return Delivery.objects.get(pk=delivery_id, endpoint=endpoint)
    except (Delivery.DoesNotExist, OverflowError):
        raise Http404("No such delivery") from None
