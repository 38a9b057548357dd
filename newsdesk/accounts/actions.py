from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from newsdesk.accounts import tokens
from newsdesk.accounts.models import ApiToken, User
from newsdesk.accounts.queries import unconfirmed_requests_for
from newsdesk.accounts.signals import author_renamed
from newsdesk.core import page_cache


@transaction.atomic
def update_profile(*, user: User, display_name: str, bio: str) -> User:
    """Changes the name and bio shown on bylines and the author page, then purges those pages."""
    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.full_clean(exclude=["password"])
    name_changed = User.objects.filter(pk=user.pk).exclude(display_name=user.display_name).exists()
    user.save(update_fields=["display_name", "bio"])
    transaction.on_commit(lambda: purge_author_pages(user))
    if name_changed:
        transaction.on_commit(lambda: author_renamed.send(sender=User, author_id=user.pk))
    return user


def purge_author_pages(user: User) -> None:
    """The author page and every page with one of their bylines."""
    article_tags = {f"article:{pk}" for pk in user.articles.values_list("pk", flat=True)}
    page_cache.purge({f"author:{user.pk}"} | article_tags)


@transaction.atomic
def set_role(*, user: User, role: str) -> User:
    """Gives a user a role; editors and admins may use the Django admin, admins fully."""
    user.role = User.Role(role)
    user.is_staff = user.role in (User.Role.EDITOR, User.Role.ADMIN)
    user.is_superuser = user.role == User.Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user


def drop_unconfirmed_requests(*, email: str, owner: User) -> int:
    """Once `owner` confirmed `email`, other accounts' unconfirmed requests for it go: they can
    never be confirmed, and allauth would still count them as holders of the address."""
    deleted, _per_model = unconfirmed_requests_for(email=email, exclude_user_id=owner.pk).delete()
    return deleted


# Longest lifetime a token may be given; every token expires.
TOKEN_MAX_DAYS = 366


@transaction.atomic
def create_token(*, user: User, name: str, scopes, expires_in_days: int | None):
    """Makes a token for `user` with `scopes` (each one the user may hold); returns the row and
    the token itself, which is shown once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    scopes = list(dict.fromkeys(scopes))
    unknown = [s for s in scopes if not tokens.may_hold(user, s)]
    if unknown:
        raise ValidationError(
            {"scopes": _("You can't give a token the scope %(scope)s.") % {"scope": unknown[0]}}
        )
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one scope.")})
    if expires_in_days is None or not 1 <= expires_in_days <= TOKEN_MAX_DAYS:
        raise ValidationError(
            {"expires_in_days": _("A token lasts 1 to %(days)d days.") % {"days": TOKEN_MAX_DAYS}}
        )
    prefix, token = tokens.new_token()
    row = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=tokens.digest_of(token),
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return row, token


@transaction.atomic
def revoke_token(*, user: User, token_id: int) -> bool:
    """Revokes one of `user`'s own tokens; False if there is no such usable token."""
    return bool(
        ApiToken.objects.filter(pk=token_id, user=user, revoked_at=None).update(
            revoked_at=timezone.now()
        )
    )
