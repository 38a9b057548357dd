from django.db import transaction

from newsdesk.accounts.models import User


@transaction.atomic
def update_profile(*, user: User, display_name: str, bio: str) -> User:
    """Changes the name and bio shown on bylines and the author page, then purges those pages."""
    from newsdesk.core import page_cache

    user.display_name = display_name.strip()
    user.bio = bio.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "bio"])
    transaction.on_commit(lambda: page_cache.purge({f"author:{user.pk}"} | _article_tags(user)))
    return user


def _article_tags(user: User) -> set[str]:
    # Bylines appear on every page that shows one of the author's articles.
    return {f"article:{pk}" for pk in user.articles.values_list("pk", flat=True)}


@transaction.atomic
def set_role(*, user: User, role: str) -> User:
    """Gives a user a role; editors and admins may use the Django admin, admins fully."""
    user.role = User.Role(role)
    user.is_staff = user.role in (User.Role.EDITOR, User.Role.ADMIN)
    user.is_superuser = user.role == User.Role.ADMIN
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    return user
