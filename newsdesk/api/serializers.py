"""What the API shows of each thing: public fields only, URLs absolute."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from newsdesk.accounts.roles import role_of
from newsdesk.accounts.tokens import token_allows
from newsdesk.articles.alternates import absolute_url
from newsdesk.articles.queries import translations_of
from newsdesk.articles.reading_time import reading_time_label


def api_url(name: str, **kwargs) -> str:
    return absolute_url(reverse(f"api:{name}", kwargs=kwargs))


def person(user) -> dict | None:
    """Who did something on the desk (an author, an editor, an actor in the audit log)."""
    return None if user is None else {"id": user.pk, "display_name": user.display_name}


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, section) -> str:
        return absolute_url(section.get_absolute_url())


class TagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, tag) -> str:
        return absolute_url(tag.get_absolute_url())


class AuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    display_name = serializers.CharField()
    bio = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, author) -> str:
        return absolute_url(reverse("articles:author", kwargs={"slug": author.slug}))


class BylineSerializer(AuthorSerializer):
    bio = None


class RenditionSerializer(serializers.Serializer):
    format = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    url = serializers.URLField()


class CoverSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The image as uploaded (re-encoded), or the fallback.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    alt = serializers.CharField()
    credit = serializers.CharField()
    generated = serializers.BooleanField(
        help_text="Made by a computer (newsdesk's cover art or an image model): the site labels"
        " it 'Computer-generated illustration'."
    )
    renditions = RenditionSerializer(many=True)


class TranslationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    language = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.URLField()
    api_url = serializers.URLField()


def cover_data(image) -> dict | None:
    if image is None or not image.file:
        return None
    return {
        "url": absolute_url(image.file.url),
        "width": image.width,
        "height": image.height,
        "alt": image.alt,
        "credit": image.credit,
        "generated": image.is_computer_generated,
        "renditions": [
            {
                "format": r["format"],
                "width": r["width"],
                "height": r["height"],
                "url": absolute_url(image.url_for(r["name"])),
            }
            for r in sorted(image.renditions or [], key=lambda r: (r["format"], r["width"]))
        ],
    }


class ArticleSerializer(serializers.Serializer):
    """An article in a list: everything but its text."""

    id = serializers.IntegerField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    api_url = serializers.SerializerMethodField()
    title = serializers.CharField()
    lead = serializers.CharField()
    language = serializers.CharField(help_text="BCP 47")
    kind = serializers.ChoiceField(choices=["news", "analysis", "opinion"])
    labels = serializers.SerializerMethodField()
    published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    reading_minutes = serializers.IntegerField()
    reading_time = serializers.SerializerMethodField()
    word_count = serializers.IntegerField()
    machine_translated = serializers.BooleanField()
    translation_of = serializers.IntegerField(
        source="public_original_id",
        allow_null=True,
        help_text="id of the original, if this is a translation and the original is published",
    )
    author = BylineSerializer()
    section = SectionSerializer()
    tags = TagSerializer(many=True)
    cover = serializers.SerializerMethodField()

    def get_url(self, article) -> str:
        return absolute_url(article.get_absolute_url())

    def get_api_url(self, article) -> str:
        return api_url("article", ref=article.pk)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_labels(self, article) -> list[str]:
        """What the page marks: a kind other than news, a machine translation, a computer-made
        cover."""
        labels = [article.kind] if article.kind != "news" else []
        if article.machine_translated:
            labels.append("machine_translated")
        if article.cover_id and article.cover.is_computer_generated:
            labels.append("computer_generated_cover")
        return labels

    def get_reading_time(self, article) -> str:
        return reading_time_label(article.reading_minutes, article.language)

    @extend_schema_field(CoverSerializer(allow_null=True))
    def get_cover(self, article) -> dict | None:
        return cover_data(article.cover) if article.cover_id else None


class ArticleDetailSerializer(ArticleSerializer):
    """An article with its text, as its page shows it (body_html) and as written (body)."""

    body_html = serializers.CharField(help_text="Sanitised HTML, the same as the article page.")
    body = serializers.CharField(help_text="The Markdown source.")
    translations = serializers.SerializerMethodField()

    @extend_schema_field(TranslationSerializer(many=True))
    def get_translations(self, article) -> list[dict]:
        return [
            {
                "id": other.pk,
                "language": other.language,
                "slug": other.slug,
                "url": absolute_url(other.get_absolute_url()),
                "api_url": api_url("article", ref=other.pk),
            }
            for other in translations_of(article)
        ]


class NewsletterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    language = serializers.CharField()
    cadence = serializers.CharField()
    section = serializers.SerializerMethodField(help_text="the section's slug, if any")
    issues_sent = serializers.IntegerField(help_text="issues in the public archive")
    last_sent_at = serializers.DateTimeField(allow_null=True)
    archive_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_section(self, newsletter) -> str | None:
        return newsletter.section.slug if newsletter.section_id else None

    def get_archive_url(self, newsletter) -> str:
        return absolute_url(reverse("newsletter:archive", kwargs={"slug": newsletter.slug}))


class MeSerializer(serializers.Serializer):
    """A token seen by its holder: `request.auth` (accounts.models.ApiToken)."""

    user = serializers.SerializerMethodField()
    token = serializers.SerializerMethodField()

    @extend_schema_field(
        inline_serializer(
            "MeUser",
            {
                "id": serializers.IntegerField(),
                "display_name": serializers.CharField(),
                "slug": serializers.CharField(),
                "role": serializers.CharField(),
            },
        )
    )
    def get_user(self, token) -> dict:
        user = token.user
        return {
            "id": user.pk,
            "display_name": user.display_name,
            "slug": user.slug,
            "role": role_of(user),
        }

    @extend_schema_field(
        inline_serializer(
            "MeToken",
            {
                "name": serializers.CharField(),
                "prefix": serializers.CharField(),
                "scopes": serializers.ListField(child=serializers.CharField()),
                "usable_scopes": serializers.ListField(
                    child=serializers.CharField(),
                    help_text="the scopes the user's role still allows",
                ),
                "expires_at": serializers.DateTimeField(allow_null=True),
            },
        )
    )
    def get_token(self, token) -> dict:
        return {
            "name": token.name,
            "prefix": token.prefix,
            "scopes": list(token.scopes),
            "usable_scopes": [s for s in token.scopes if token_allows(token, s)],
            "expires_at": token.expires_at,
        }
