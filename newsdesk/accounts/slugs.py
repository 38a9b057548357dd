from newsdesk.accounts.models import User
from newsdesk.core.slugs import slugify


def unique_author_slug(name: str) -> str:
    base = slugify(name)[:90] or "author"
    slug, n = base, 1
    while User.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
