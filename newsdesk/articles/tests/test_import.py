"""`newsdesk import` and `newsdesk export`, run as the commands they are."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PILImage

from newsdesk.articles import images
from newsdesk.articles.models import Article

pytestmark = pytest.mark.django_db

GOOD = """---
title: Neue Straßenbahnlinie
author: Petra Pohl
language: de
kind: analysis
section: Verkehr
tags: [Tram, Stadtrat]
lead: Die Linie 4 kommt.
published_at: 2026-10-01T08:00:00+02:00
---
## Planung

Der Rat hat entschieden.

Die Bahn fährt ab 2028.
"""


def run_import(*paths, publish=True):
    out, err = io.StringIO(), io.StringIO()
    args = [str(p) for p in paths] + (["--publish"] if publish else [])
    try:
        call_command("import", *args, stdout=out, stderr=err)
        code = 0
    except CommandError:
        code = 1
    return code, out.getvalue(), err.getvalue()


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_import_publishes_and_prints_the_public_path(tmp_path):
    code, out, err = run_import(write(tmp_path, "a.md", GOOD))
    assert code == 0 and err == ""
    article = Article.objects.get()
    assert out.strip() == f"published {article.get_absolute_url()}"
    assert article.kind == "analysis" and article.section.name == "Verkehr"
    assert sorted(t.name for t in article.tags.all()) == ["Stadtrat", "Tram"]
    assert article.author.display_name == "Petra Pohl" and article.author.role == "contributor"
    assert article.published_at.isoformat() == "2026-10-01T06:00:00+00:00"
    assert article.cover and article.cover.generated
    # The automated checks ran and were recorded, without blocking the import.
    assert article.check_reports.count() == 1


def test_import_without_publish_makes_a_draft(tmp_path):
    code, out, _err = run_import(write(tmp_path, "a.md", GOOD), publish=False)
    assert code == 0 and out.strip() == f"draft {Article.objects.get().pk}"
    assert Article.objects.get().status == "draft"


def test_importing_again_updates_the_same_slug(tmp_path):
    path = write(tmp_path, "a.md", GOOD.replace("lead:", "slug: tram-4\nlead:"))
    run_import(path)
    write(tmp_path, "a.md", path.read_text().replace("Der Rat hat entschieden.", "Neu."))
    code, _out, _err = run_import(path)
    assert code == 0 and Article.objects.count() == 1
    article = Article.objects.get()
    assert "Neu." in article.body and article.revisions.count() == 2


def test_an_article_imported_under_an_old_slug_is_updated_not_copied(tmp_path):
    """Imported when "ß" was dropped from slugs ("strasse" is now made of "Straße")."""
    path = write(tmp_path, "a.md", GOOD.replace("lead:", "slug: neue-strae\nlead:"))
    run_import(path)
    Article.objects.update(slug="neue-strae")  # as the old slugify stored it
    write(tmp_path, "a.md", GOOD.replace("lead:", "slug: neue-straße\nlead:"))
    code, _out, err = run_import(path)
    assert code == 0, err
    assert list(Article.objects.values_list("slug", flat=True)) == ["neue-strae"]  # same URL


def test_bad_files_are_named_and_the_rest_still_imports(tmp_path):
    bad = {
        "no-front.md": "Just text",
        "bad-yaml.md": "---\ntitle: [unclosed\n---\nBody",
        "no-title.md": "---\nlanguage: de\nauthor: X\n---\nBody",
        "bad-lang.md": GOOD.replace("language: de", "language: klingon-xx"),
        "unknown-lang.md": GOOD.replace("language: de", "language: qq"),
        "bad-kind.md": GOOD.replace("kind: analysis", "kind: gossip"),
        "bad-date.md": GOOD.replace("2026-10-01T08:00:00+02:00", "next tuesday"),
        "huge.md": GOOD + ("x" * (1024 * 1024 + 10)),
        "missing-cover.md": GOOD.replace("lead:", "cover: nope.jpg\ncover_alt: A tram\nlead:"),
        "no-alt.md": GOOD.replace("lead:", "cover: nope.jpg\nlead:"),
        "unknown-field.md": GOOD.replace("lead:", "colour: red\nlead:"),
        "bad-translation.md": GOOD.replace("lead:", "translation_of: nothing-here\nlead:"),
    }
    paths = [write(tmp_path, name, text) for name, text in bad.items()]
    (tmp_path / "latin1.md").write_bytes("---\ntitle: Stra\xdfe\n---\n".encode("latin-1"))
    paths.append(tmp_path / "latin1.md")
    good = write(tmp_path, "zz-good.md", GOOD)
    code, out, err = run_import(*paths, good)
    assert code == 1
    assert out.strip().startswith("published /de/articles/")
    lines = err.strip().splitlines()
    assert len(lines) == len(paths)
    for path, line in zip(paths, lines, strict=True):
        assert line.startswith(f"error {path}: ") and len(line) > len(f"error {path}: ") + 10
    assert Article.objects.count() == 1


def test_uploaded_cover_and_translation(tmp_path):
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 500), "#336699").save(buffer, "JPEG")
    (tmp_path / "tram.jpg").write_bytes(buffer.getvalue())
    original = write(
        tmp_path,
        "1.md",
        GOOD.replace(
            "lead:",
            "slug: tram\ncover: tram.jpg\ncover_alt: Eine Bahn\ncover_credit: Foto P.\nlead:",
        ),
    )
    translation = write(
        tmp_path, "2.md",
        GOOD.replace("language: de", "language: en").replace("lead:", "translation_of: tram\nmachine_translated: true\nslug: tram-en\nlead:"),
    )  # fmt: skip
    code, _out, err = run_import(original, translation)
    assert code == 0, err
    de, en = Article.objects.get(slug="tram"), Article.objects.get(slug="tram-en")
    assert de.cover.alt == "Eine Bahn" and not de.cover.generated and de.cover.width == 800
    assert en.translation_of == de and en.machine_translated


def test_export_writes_what_import_reads(tmp_path):
    run_import(write(tmp_path, "a.md", GOOD))
    out_dir = tmp_path / "out"
    call_command("export", str(out_dir), stdout=io.StringIO())
    files = sorted(out_dir.glob("*.md"))
    assert len(files) == 1
    text = files[0].read_text()
    assert "title: Neue Straßenbahnlinie" in text and "Die Bahn fährt ab 2028." in text
    Article.objects.all().delete()
    code, _out, err = run_import(*files)
    assert code == 0, err
    assert Article.objects.get().title == "Neue Straßenbahnlinie"


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"not an image at all", "JPEG, PNG or WebP"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "JPEG, PNG or WebP"),
        (b"GIF89a" + b"\x00" * 100, "JPEG, PNG or WebP"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 50, "JPEG, PNG or WebP"),
    ],
)
def test_invalid_cover_images_get_a_clear_error(tmp_path, data, problem):
    (tmp_path / "bad.jpg").write_bytes(data)
    path = write(tmp_path, "a.md", GOOD.replace("lead:", "cover: bad.jpg\ncover_alt: Bild\nlead:"))
    code, out, err = run_import(path)
    assert code == 1 and out == ""
    assert err.startswith(f"error {path}: the cover “bad.jpg”:") and problem in err
    assert Article.objects.count() == 0


def test_oversized_cover_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(images, "MAX_UPLOAD_BYTES", 1000)
    buffer = io.BytesIO()
    PILImage.new("RGB", (800, 500), "#336699").save(buffer, "PNG")
    (tmp_path / "big.png").write_bytes(buffer.getvalue() + b"\x00" * 2000)
    path = write(tmp_path, "a.md", GOOD.replace("lead:", "cover: big.png\ncover_alt: Bild\nlead:"))
    code, _out, err = run_import(path)
    assert code == 1 and "larger than" in err


def test_demo_content_loads(tmp_path):
    """At least 20 articles in German and English, 4+ sections, several authors, both cover kinds."""
    call_command("loaddemo", "--if-empty", stdout=io.StringIO())
    articles = Article.objects.filter(status="published")
    assert articles.count() >= 20
    assert {a.language.split("-")[0] for a in articles} == {"de", "en"}
    assert articles.values("section").distinct().count() >= 4
    assert articles.values("author").distinct().count() >= 3
    assert articles.filter(cover__generated=False).count() >= 3
    assert articles.filter(cover__generated=True).count() >= 10
    assert articles.filter(translation_of__isnull=False).count() >= 2
    out = io.StringIO()
    call_command("loaddemo", "--if-empty", stdout=out)
    assert "already has articles" in out.getvalue() and Article.objects.count() == articles.count()


class ImportValidationTests:
    @pytest.mark.parametrize(
        ("name", "old", "new", "problem"),
        [
            ("year-one.md", "2026-10-01T08:00:00+02:00", "0001-01-01", "between 1900 and 2100"),
            ("far-future.md", "2026-10-01T08:00:00+02:00", "9999-12-31T23:59:59", "between"),
            ("surrogate.md", "author: Petra Pohl", 'author: "Petra \\ud800"', "lone surrogate"),
            ("tag-dict.md", "tags: [Tram, Stadtrat]", "tags: {Tram: 1}", "list of names"),
            ("tag-nested.md", "tags: [Tram, Stadtrat]", "tags: [Tram, [a, b]]", "list of names"),
            ("bad-email.md", "author: Petra Pohl", "author: petra@@example", "not a valid email"),
            ("title-bool.md", "title: Neue Straßenbahnlinie", "title: true", "“title” must be"),
            ("section-list.md", "section: Verkehr", "section: [a]", "“section” must be"),
        ],
    )
    def test_bad_front_matter_is_named_and_the_batch_goes_on(
        self, tmp_path, name, old, new, problem
    ):
        """Each bad value gets one clear error line naming the file, no traceback; the good
        files around it are imported and the exit status is 1."""
        first = write(tmp_path, "a-good.md", GOOD.replace("Neue Straßenbahnlinie", "Erste Linie"))
        bad = write(tmp_path, name, GOOD.replace(old, new))
        last = write(tmp_path, "z-good.md", GOOD.replace("Neue Straßenbahnlinie", "Letzte Linie"))
        code, out, err = run_import(first, bad, last)
        assert code == 1
        assert [line.split()[0] for line in out.strip().splitlines()] == ["published", "published"]
        assert err.strip().splitlines() == [err.strip()]  # one line, no traceback
        assert err.startswith(f"error {bad}: ") and problem in err
        assert set(Article.objects.values_list("title", flat=True)) == {
            "Erste Linie",
            "Letzte Linie",
        }
