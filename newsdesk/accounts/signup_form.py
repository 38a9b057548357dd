"""allauth's sign-up form (settings.ACCOUNT_FORMS["signup"]), with one rule of ours: an address
is taken only if an account owns it (accounts.queries.address_is_owned). allauth also counts an
unconfirmed address another account asked for, so anyone could keep an address's owner from
signing up by adding it to their own account."""

from allauth.account.forms import SignupForm

from newsdesk.accounts import queries


class AccountSignupForm(SignupForm):
    def validate_unique_email(self, value: str) -> str:
        email = super().validate_unique_email(value)
        # allauth hides the conflict (enumeration prevention) and sends "you already have an
        # account" instead of signing up; that is right only when an account owns the address.
        if self.account_already_exists and not queries.address_is_owned(email=email):
            self.account_already_exists = False
        return email
