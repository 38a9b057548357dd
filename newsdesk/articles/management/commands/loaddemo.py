"""Demo content: accounts for every role, sections, and the articles in newsdesk/demo/."""

from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from newsdesk.accounts.actions import set_role
from newsdesk.accounts.models import User
from newsdesk.articles.importing import ImportError_
from newsdesk.articles.models import Article, Section
from newsdesk.discovery import search
from newsdesk.editorial.importing import import_file
from newsdesk.federation.actions import opt_in_author

DEMO_DIR = Path(__file__).resolve().parents[3] / "demo"
DOMAIN = "demo.newsdesk.invalid"
# (email, password, display name, role, bio)
ACCOUNTS = [
    (f"admin@{DOMAIN}", "demo-admin-pass", "Ada Admin", User.Role.ADMIN, ""),
    (f"editor@{DOMAIN}", "demo-editor-pass", "Erik Editor", User.Role.EDITOR, ""),
    (
        f"anna.becker@{DOMAIN}", "demo-anna-pass", "Anna Becker", User.Role.CONTRIBUTOR,
        "Anna schreibt über Stadtpolitik und Verkehr in Neustadt.",
    ),
    (
        f"jonas.weber@{DOMAIN}", "demo-jonas-pass", "Jonas Weber", User.Role.CONTRIBUTOR,
        "Jonas berichtet über Wirtschaft, Handwerk und Vereinsleben.",
    ),
    (
        f"maria.santos@{DOMAIN}", "demo-maria-pass", "Maria Santos", User.Role.CONTRIBUTOR,
        "Maria writes about technology, schools and open-source software.",
    ),
    (
        f"tom.hughes@{DOMAIN}", "demo-tom-pass", "Tom Hughes", User.Role.CONTRIBUTOR,
        "Tom covers culture and sport for our English-speaking readers.",
    ),
]  # fmt: skip
# (name, English name, slug, palette)
SECTIONS = [
    ("Politik", "Politics", "politik", ["#1d3557", "#457b9d", "#a8dadc", "#f1faee", "#e63946"]),
    ("Wirtschaft", "Business", "wirtschaft", ["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"]),
    ("Technik", "Technology", "technik", ["#03045e", "#0077b6", "#00b4d8", "#90e0ef", "#caf0f8"]),
    ("Kultur", "Culture", "kultur", ["#5f0f40", "#9a031e", "#fb8b24", "#e36414", "#0f4c5c"]),
    ("Sport", "Sport", "sport", ["#004b23", "#007200", "#38b000", "#9ef01a", "#ccff33"]),
]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Load demo accounts and articles (with --if-empty: only into a database without articles)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args, **options):
        if options["if_empty"] and Article.objects.exists():
            self.stdout.write("The database already has articles; no demo content loaded.")
            return
        with transaction.atomic():
            for position, (name, name_en, slug, palette) in enumerate(SECTIONS):
                Section.objects.update_or_create(
                    slug=slug,
                    defaults={
                        "name": name,
                        "name_en": name_en,
                        "palette": palette,
                        "position": position,
                    },
                )
            for email, password, name, role, bio in ACCOUNTS:
                user = User.objects.filter(email=email).first() or User.objects.create_user(
                    email, password, display_name=name, bio=bio
                )
                set_role(user=user, role=role)
                _verify_email(user)
                if role == User.Role.CONTRIBUTOR:
                    opt_in_author(author=user)  # the demo's authors are on the Fediverse
        files = sorted((DEMO_DIR / "articles").glob("*.md"))
        failed = 0
        for path in files:
            try:
                import_file(path, publish=True)
            except ImportError_ as exc:
                failed += 1
                self.stderr.write(f"error {path.name}: {exc}")
        # Searchable at once (a few milliseconds for the demo), not only once the worker has run
        # the queued index updates; the related-article vectors are left to the worker.
        search.rebuild()
        self.stdout.write(f"Loaded {len(files) - failed} demo articles.")


def _verify_email(user: User) -> None:
    # Demo accounts can log in at once; real ones confirm their address first.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def demo_logins() -> list[tuple[str, str, str]]:
    return [(role.label, email, password) for email, password, _n, role, _b in ACCOUNTS]
