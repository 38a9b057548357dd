"""Cover files and who can reach them: private until an article is visible, public under random
names while it is, gone from public media when it is taken down; no orphans, no 500s."""

import importlib
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage

from newsdesk.accounts.tests.factories import UserFactory
from newsdesk.articles.actions import save_article
from newsdesk.articles.images import files_removed_on_failure, make_renditions, save_uploaded_image
from newsdesk.articles.importing import ImportError_
from newsdesk.articles.models import Article, Image
from newsdesk.articles.storage import check_private_media_root
from newsdesk.articles.tests.factories import SectionFactory, article
from newsdesk.editorial import actions, writing
from newsdesk.editorial.grounds import Ground
from newsdesk.editorial.importing import import_file
from newsdesk.editorial.tests.test_views import form_data as editor_form_data

pytestmark = pytest.mark.django_db(transaction=True)
MEDIA_URL_RE = re.compile(r"/(?:private-)?media/[^\"\s,]+")


def jpeg(size=(1200, 675), colour=(200, 80, 40)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def upload(name="cover.jpg", **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, jpeg(**kwargs), content_type="image/jpeg")


def files_under(root) -> list[str]:
    root = Path(root)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def media_urls(html: str) -> set[str]:
    return set(MEDIA_URL_RE.findall(html))


def form_data(section, **overrides):
    """The editor's form as in editorial's view tests, saved as a draft."""
    return editor_form_data(section, **{"intent": "save", **overrides})


def published_with_cover(**fields) -> Article:
    cover = save_uploaded_image(data=jpeg(), alt="Das Rathaus", credit="Foto: P.")
    return article(cover=cover, **fields)


class CoverPrivacyTests:
    def test_a_draft_cover_is_only_served_to_its_author_and_editors(self, client):
        """A draft's uploaded cover is nowhere in public media; the review screen shows it
        through the private view, which answers 404 to anyone else."""
        section = SectionFactory()
        author = UserFactory()
        client.force_login(author)
        client.post("/de/write/new/", {**form_data(section), "cover": upload(), "cover_alt": "Rat"})
        draft = Article.objects.get()
        assert draft.cover.generated is False
        assert files_under(settings.MEDIA_ROOT) == []

        editor = UserFactory(editor=True)
        client.force_login(editor)
        urls = media_urls(client.get(f"/de/review/{draft.pk}/").content.decode())
        assert urls and all(u.startswith("/private-media/") for u in urls)
        assert str(draft.cover.pk) not in {u.split("/")[-1].split(".")[0] for u in urls}
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200 and response["Content-Type"].startswith("image/")
            assert "private" in response["Cache-Control"]
        client.force_login(author)
        assert all(client.get(url).status_code == 200 for url in urls)
        client.force_login(UserFactory())
        assert all(client.get(url).status_code == 404 for url in urls)
        client.logout()
        assert all(client.get(url).status_code == 404 for url in urls)

    def test_a_published_cover_is_public_under_a_random_name(self, client):
        """The article page points at covers/<random key>/..., which is served; no address
        holds the image's sequential id."""
        a = published_with_cover(slug="rathaus")
        a.cover.refresh_from_db()
        assert a.cover.renditions and len(a.cover.public_key) >= 22
        urls = media_urls(client.get(a.get_absolute_url()).content.decode())
        assert urls and all(u.startswith(f"/media/covers/{a.cover.public_key}/") for u in urls)
        assert not any(f"/{a.cover.pk}/" in u for u in urls)
        for url in urls:
            assert client.get(url).status_code == 200
        public = files_under(settings.MEDIA_ROOT)
        assert public and all(p.startswith(f"covers/{a.cover.public_key}/") for p in public)

    def test_a_takedown_removes_the_cover_from_public_media_and_a_restore_brings_it_back(
        self, client
    ):
        """Taken down, every public address of the cover answers 404 and no file is left in
        public media; restored, the page shows it again at new addresses that work."""
        a = published_with_cover(slug="umstritten")
        before = media_urls(client.get(a.get_absolute_url()).content.decode())
        assert before
        editor = UserFactory(editor=True)
        actions.take_down_article(article=a, editor=editor, ground=Ground.COPYRIGHT, case="R-1")
        assert files_under(settings.MEDIA_ROOT) == []
        assert all(client.get(url).status_code == 404 for url in before)
        assert Image.objects.get(pk=a.cover_id).public_key == ""
        # The editors still see it.
        client.force_login(editor)
        review = media_urls(client.get(f"/de/review/{a.pk}/").content.decode())
        assert review and all(client.get(url).status_code == 200 for url in review)
        client.logout()

        actions.restore_article(article=a, editor=editor, case="R-1")
        after = media_urls(client.get(a.get_absolute_url()).content.decode())
        assert after and after.isdisjoint(before)
        assert all(client.get(url).status_code == 200 for url in after)

    def test_unpublishing_withdraws_the_cover_too(self, client):
        """Unpublished, the cover leaves public media like the article leaves the site."""
        a = published_with_cover(slug="zurueck")
        actions.unpublish_article(article=a, by=UserFactory(editor=True))
        assert files_under(settings.MEDIA_ROOT) == []

    def test_renditions_made_after_publication_are_public(self):
        """The worker may make renditions after the article went public: they join it there."""
        a = published_with_cover(slug="spaet")
        image = Image.objects.get(pk=a.cover_id)
        Image.objects.filter(pk=image.pk).update(renditions=[])
        image.refresh_from_db()
        made = make_renditions(image)
        public = files_under(Path(settings.MEDIA_ROOT) / "covers" / image.public_key)
        assert {Path(r["name"]).name for r in made} <= set(public)


class OrphanTests:
    def test_a_replaced_cover_leaves_no_files(self, client):
        """Uploading a new cover deletes the old one (generated or uploaded) with its files,
        and the new one of a published article is public at once."""
        section = SectionFactory()
        client.force_login(UserFactory())
        client.post("/de/write/new/", form_data(section))
        draft = Article.objects.get()
        generated = draft.cover
        assert generated.generated
        client.post(
            f"/de/write/{draft.pk}/", {**form_data(section), "cover": upload(), "cover_alt": "A"}
        )
        draft.refresh_from_db()
        assert not Image.objects.filter(pk=generated.pk).exists()
        assert all(Path(generated.file.name).stem not in p for p in files_under(_private()))

        a = published_with_cover(slug="neu")
        old = Image.objects.get(pk=a.cover_id)
        new = save_uploaded_image(data=jpeg(colour=(1, 2, 3)), alt="Neu")
        save_article(
            article=a,
            author=a.author,
            editor=a.author,
            title=a.title,
            body=a.body,
            language=a.language,
            section=a.section,
            cover=new,
        )
        assert not Image.objects.filter(pk=old.pk).exists()
        new.refresh_from_db()
        assert new.public_key
        assert {p.split("/")[1] for p in files_under(settings.MEDIA_ROOT)} == {new.public_key}
        assert not any(Path(old.file.name).stem in p for p in files_under(_private()))

    def test_a_failed_save_leaves_no_uploaded_file(self, client, monkeypatch):
        """The cover is stored and the article written, then the save is refused: the text
        comes back, and nothing of it stays behind: no article, no image row, no file."""
        real_save = writing.save_article

        def refused_after_writing(**kwargs):
            real_save(**kwargs)
            raise ValidationError({"title": ["Refused after writing."]})

        monkeypatch.setattr(writing, "save_article", refused_after_writing)
        section = SectionFactory()
        client.force_login(UserFactory())
        response = client.post(
            "/de/write/new/",
            {**form_data(section, title="Mein Entwurf"), "cover": upload(), "cover_alt": "Rat"},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "Mein Entwurf" in page
        assert "Refused after writing." in page
        assert not Article.objects.exists() and not Image.objects.exists()
        assert files_under(_private()) == [] and files_under(settings.MEDIA_ROOT) == []

    def test_a_failed_import_leaves_no_cover_file(self, tmp_path):
        """An import refused after its cover was stored (an invalid language) keeps no file."""
        (tmp_path / "cover.jpg").write_bytes(jpeg())
        source = tmp_path / "a.md"
        source.write_text(
            "---\ntitle: Ein Titel\nauthor: Erika Muster\nlanguage: xx-nope-nope\n"
            "cover: cover.jpg\ncover_alt: Rat\n---\nText.\n",
            encoding="utf-8",
        )
        with pytest.raises(ImportError_) as refused:
            import_file(source, publish=False)
        assert "is not a language tag" in str(refused.value)
        assert not Image.objects.exists()
        assert files_under(_private()) == [] and files_under(settings.MEDIA_ROOT) == []

    def test_an_error_after_commit_keeps_the_committed_files(self):
        """An on-commit callback that fails (a purge with Redis down, a rendition) after the
        image row committed must not delete the file that row points at."""
        from django.db import transaction

        def fails_after_commit():
            raise RuntimeError("callback failed")

        with pytest.raises(RuntimeError), files_removed_on_failure():
            image = save_uploaded_image(data=jpeg(), alt="Das Rathaus", credit="")
            transaction.on_commit(fails_after_commit)
        image.refresh_from_db()
        assert files_under(_private()) and Path(image.file.path).is_file()

    def test_an_error_before_commit_deletes_the_files(self):
        """The same block failing before its commit leaves neither row nor file."""
        with pytest.raises(RuntimeError), files_removed_on_failure():
            save_uploaded_image(data=jpeg(), alt="Das Rathaus", credit="")
            raise RuntimeError("refused")
        assert not Image.objects.exists() and files_under(_private()) == []


class UploadLimitTests:
    def test_uploads_are_rate_limited_per_user(self, client, monkeypatch):
        """Past the upload rate a save with a file is refused with a message and the text is
        shown again; nothing is decoded or stored. Another user may still upload."""
        monkeypatch.setattr(writing, "UPLOAD_RATE", "2/h")
        section = SectionFactory()
        client.force_login(UserFactory())
        for _ in range(2):
            client.post(
                "/de/write/new/", {**form_data(section), "cover": upload(), "cover_alt": "A"}
            )
        assert Image.objects.filter(generated=False).count() == 2
        response = client.post(
            "/de/write/new/",
            {**form_data(section, title="Dritter Versuch"), "cover": upload(), "cover_alt": "A"},
        )
        page = response.content.decode()
        assert response.status_code == 200 and "Dritter Versuch" in page
        assert "many images" in page or "viele Bilder" in page
        assert Image.objects.filter(generated=False).count() == 2
        client.force_login(UserFactory())
        client.post("/de/write/new/", {**form_data(section), "cover": upload(), "cover_alt": "A"})
        assert Image.objects.filter(generated=False).count() == 3


class MediaServingTests:
    @pytest.mark.parametrize("prefix", ["/media/", "/private-media/1/"])
    def test_an_overlong_path_is_not_found(self, client, prefix):
        """A name longer than the file system allows answers 404, not 500."""
        assert client.get(prefix + "a" * 5000).status_code == 404


class PrivateMediaRootCheckTests:
    def test_private_media_inside_public_media_is_refused(self, settings):
        """`newsdesk check` fails when private covers would be under the served media tree."""
        assert check_private_media_root() == []
        settings.PRIVATE_MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "private"
        assert [e.id for e in check_private_media_root()] == ["newsdesk.E001"]


class MigrationTests:
    def test_existing_files_move_to_the_new_layout(self):
        """Files in the old public layout move to private storage; the covers of published
        articles are linked back under random names; files no row names leave public media."""
        migration = importlib.import_module("newsdesk.articles.migrations.0004_image_private_media")
        shown = published_with_cover(slug="alt")
        hidden = save_uploaded_image(data=jpeg(), alt="Entwurf")
        public, private = Path(settings.MEDIA_ROOT), _private()
        for image in Image.objects.filter(pk__in=[shown.cover_id, hidden.pk]):
            for name in [image.file.name, *(r["name"] for r in image.renditions)]:
                (public / name).parent.mkdir(parents=True, exist_ok=True)
                (private / name).replace(public / name)
        Image.objects.update(public_key="")
        for path in (public / "covers").iterdir():
            for f in path.iterdir():
                f.unlink()
            path.rmdir()

        # What no row names: a replaced cover's master and a deleted row's renditions.
        for orphan in ("images/2026/01/replaced.jpg", "renditions/7/960.jpg"):
            (public / orphan).parent.mkdir(parents=True, exist_ok=True)
            (public / orphan).write_bytes(jpeg())

        migration.to_private(apps, None)
        key = Image.objects.get(pk=shown.cover_id).public_key
        assert key and Image.objects.get(pk=hidden.pk).public_key == ""
        assert all(p.startswith(f"covers/{key}/") for p in files_under(public))
        assert (private / hidden.file.name).is_file()
        assert (public / "covers" / key / Path(shown.cover.file.name).name).is_file()
        assert (private / "orphaned/images/2026/01/replaced.jpg").is_file()
        assert (private / "orphaned/renditions/7/960.jpg").is_file()


def _private() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)
