from django.db import transaction

from newsdesk.accounts.models import User
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
