"""allauth's account adapter (settings.ACCOUNT_ADAPTER): its rate limits count per client."""

from allauth.account.adapter import DefaultAccountAdapter
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied

from newsdesk.accounts import actions, queries
from newsdesk.core.client_ip import client_ip


class AccountAdapter(DefaultAccountAdapter):
    def confirm_email(self, request, email_address) -> bool:
        """A link confirms an address for one account only: not while another account owns it
        (signed up with it: its own link confirms it; allauth checks only confirmed ones),
        and a confirmed address drops the other accounts' unconfirmed requests for it."""
        email, user_id = email_address.email, email_address.user_id
        if queries.address_is_owned(email=email, exclude_user_id=user_id):
            self.add_message(
                request,
                messages.ERROR,
                "account/messages/email_confirmation_failed.txt",
                {"email": email},
            )
            return False
        if not super().confirm_email(request, email_address):
            return False
        actions.drop_unconfirmed_requests(email=email, owner=email_address.user)
        return True

    def get_client_ip(self, request) -> str:
        """The address allauth's rate limits count by, the same one django-axes locks out."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request, **credentials) -> None:
        """A client django-axes has locked out of this account does not spend the account's
        failed-login allowance, which all clients share: it could otherwise keep posting and
        lock everyone else out. Axes still refuses it (and answers 429)."""
        if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials):
            return
        super().pre_authenticate(request, **credentials)
