from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Long enough for any real name, short enough for a byline.
DISPLAY_NAME_MAX = 80
BIO_MAX = 2000


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.update(role=User.Role.ADMIN, is_staff=True, is_superuser=True)
        extra.setdefault("display_name", email.split("@")[0])
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        CONTRIBUTOR = "contributor", _("Contributor")
        EDITOR = "editor", _("Editor")
        ADMIN = "admin", _("Admin")

    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=DISPLAY_NAME_MAX)
    bio = models.TextField(_("bio"), blank=True, max_length=BIO_MAX)
    slug = models.SlugField(_("author slug"), max_length=100, unique=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CONTRIBUTOR)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.email

    def save(self, *args, **kwargs):
        if not self.slug:
            from newsdesk.accounts.slugs import unique_author_slug  # slugs.py imports User

            # Never derived from the email address: the slug is public.
            self.slug = unique_author_slug(self.display_name or "author")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    @property
    def is_editor(self) -> bool:
        return self.is_active and self.role in (self.Role.EDITOR, self.Role.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == self.Role.ADMIN or self.is_superuser)


class ApiToken(models.Model):
    """A personal access token for the REST API. Only a digest of the secret is kept: the token
    itself is shown once, when it is made (accounts.actions.create_token). `prefix` finds the
    row without scanning; the digest decides (accounts.tokens.find_token)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.revoked_at is None
            and (self.expires_at is None or self.expires_at > now)
            and self.user.is_active
        )
