"""Django settings for idm: every knob is an IDM_* environment variable with a safe default."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where the SQLite database, uploads, built files and the generated secret key live.
DATA_DIR = Path(os.environ.get("IDM_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    """IDM_SECRET_KEY, or a random key kept in DATA_DIR so sessions survive restarts."""
    if os.environ.get("IDM_SECRET_KEY"):
        return os.environ["IDM_SECRET_KEY"]
    key_file = DATA_DIR / "secret_key"
    try:
        return key_file.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
DEBUG = env_bool("IDM_DEBUG", False)
ALLOWED_HOSTS = env_list("IDM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("IDM_CSRF_TRUSTED_ORIGINS", "")

# Behind HTTPS in production: IDM_HTTPS=true turns on every transport protection
# that `idm check --deploy` asks for.
HTTPS = env_bool("IDM_HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("IDM_HSTS_SECONDS", 31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env_bool("IDM_HSTS_PRELOAD", HTTPS)
if env_bool("IDM_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    # modeltranslation patches the admin, so it comes before it.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "idm.core",
    "idm.dialogues",
    "idm.deliberation",
    "idm.consultations",
    "idm.practices",
    "idm.publications",
    "idm.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "idm.core.middleware.DatabaseBusyMiddleware",
    "idm.core.middleware.NulInAddressMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "idm.urls"
WSGI_APPLICATION = "idm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "idm.core.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("IDM_DATABASE_URL") or f"sqlite:///{DATA_DIR / 'idm.sqlite3'}",
        conn_max_age=int(os.environ.get("IDM_DATABASE_CONN_MAX_AGE", 60)),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web server read while a command writes; the timeout waits for locks.
    DATABASES["default"]["OPTIONS"] = {
        # Seconds a write waits for another one (a long import) before the busy page.
        "timeout": float(os.environ.get("IDM_SQLITE_TIMEOUT", 20)),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file, not memory, so that threads (the live server, concurrent
    # registrations) share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-idm.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# argon2 first: new and changed passwords are hashed with it; older PBKDF2 hashes still verify
# and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Login rate limiting (django-axes): after IDM_LOGIN_FAILURES wrong passwords for one username
# from one address, that pair is refused for IDM_LOGIN_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("IDM_LOGIN_RATE_LIMIT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("IDM_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("IDM_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "idm.core.lockout.locked_out"
# Behind a proxy the visitor's address is the first of X-Forwarded-For, not the proxy's.
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if env_bool("IDM_BEHIND_PROXY", False)
    else ["REMOTE_ADDR"])
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dialogues:home"
LOGOUT_REDIRECT_URL = "dialogues:home"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
# Stored in UTC; each workshop's agenda is shown in the workshop's own time zone.
TIME_ZONE = "UTC"
USE_TZ = True

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# WhiteNoise warns at every start when this folder is missing, even before collectstatic.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the apps when `idm collectstatic` has not run (demo, tests).
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

# Content Security Policy (django-csp): scripts, styles, pictures and fonts come from idm itself,
# never inline and never from another site, so that text someone typed cannot become code even
# where an escape was missed. Charts drawn inline use presentation attributes, not style ones.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# A Chatham House statement shows its speaker's stakeholder category only when at least this
# many speakers of its session share it (docs/deliberation.md).
IDM_CHATHAM_HOUSE_MIN_GROUP = int(os.environ.get("IDM_CHATHAM_HOUSE_MIN_GROUP", 3))
# A completed statement asks a worker (queue "tags") for the GCM objectives and SDG targets its
# words suggest (deliberation/tag_suggestions.py).
IDM_TAG_SUGGESTIONS = env_bool("IDM_TAG_SUGGESTIONS", True)

# Search counts exactly up to this many matches, then says "more than" and offers the most
# recent ones, best first (docs/deliberation.md).
IDM_SEARCH_BOUND = int(os.environ.get("IDM_SEARCH_BOUND", 10_000))

# Uploaded files (participants, agendas, transcripts) and the spreadsheets read from them.
IDM_IMPORT_MAX_BYTES = int(os.environ.get("IDM_IMPORT_MAX_BYTES", 20 * 1024 * 1024))
IDM_IMPORT_MAX_ROWS = int(os.environ.get("IDM_IMPORT_MAX_ROWS", 200_000))
IDM_IMPORT_MAX_COLUMNS = int(os.environ.get("IDM_IMPORT_MAX_COLUMNS", 200))
IDM_IMPORT_MAX_CELL = int(os.environ.get("IDM_IMPORT_MAX_CELL", 10_000))

IDM_SITE_NAME = os.environ.get("IDM_SITE_NAME", "International Dialogue on Migration")
# The address participants' private links in e-mails start with.
IDM_BASE_URL = os.environ.get("IDM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# E-mail: SMTP when IDM_EMAIL_HOST is set, otherwise printed on the console (the demo).
DEFAULT_FROM_EMAIL = os.environ.get("IDM_EMAIL_FROM", "International Dialogue on Migration "
                                    "<idm@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("IDM_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["IDM_EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("IDM_EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("IDM_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("IDM_EMAIL_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("IDM_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Seconds an SMTP connection may hang before the attempt counts as failed (and is retried).
EMAIL_TIMEOUT = float(os.environ.get("IDM_EMAIL_TIMEOUT", 30))
# An e-mail that cannot be sent is tried again after IDM_MAIL_RETRY_SECONDS, then after twice as
# long each time (at most an hour between tries), IDM_MAIL_ATTEMPTS tries in all.
IDM_MAIL_ATTEMPTS = int(os.environ.get("IDM_MAIL_ATTEMPTS", 10))
IDM_MAIL_RETRY_SECONDS = float(os.environ.get("IDM_MAIL_RETRY_SECONDS", 60))

# Background work (report builds, e-mails) goes through Django's task framework, the django-tasks
# backport on Django 5.2 (docs/production.md). IDM_TASKS_BACKEND: "database" (the default: a
# queue in idm's own database, run by `idm worker`), "rq" (Redis, `pip install idm[rq]`, run by
# `idm worker` too), "immediate" (in the process that asks, no worker: the tests), or a backend's
# dotted path.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
IDM_TASKS_BACKEND = os.environ.get("IDM_TASKS_BACKEND", "database").strip()
if IDM_TASKS_BACKEND not in TASK_BACKENDS and "." not in IDM_TASKS_BACKEND:
    raise ImproperlyConfigured(
        f"IDM_TASKS_BACKEND={IDM_TASKS_BACKEND!r}: use {', '.join(TASK_BACKENDS)} or the dotted "
        "path of a task backend")
# Report builds and synthesis runs have queues of their own, so that a worker kept for e-mails
# never waits behind them (`idm worker --queue mail,default`).
TASK_QUEUES = ["default", "reports", "mail", "synthesis", "tags", "consultations"]
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(IDM_TASKS_BACKEND, IDM_TASKS_BACKEND),
                     "QUEUES": TASK_QUEUES}}
if IDM_TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {queue: {"URL": os.environ.get("IDM_REDIS_URL", "redis://127.0.0.1:6379/0"),
                         "DEFAULT_TIMEOUT": -1}
                 for queue in TASK_QUEUES}
# A running build says it is alive every sixth of this many seconds; one silent for longer lost
# its worker (killed, machine restarted) and is shown failed, ready to retry.
IDM_TASK_LEASE_SECONDS = float(os.environ.get("IDM_TASK_LEASE_SECONDS", 60))
# An e-mail or a tag suggestion a worker started this many seconds ago and never finished was
# left by a worker that was killed: the other workers put it back in the queue.
IDM_TASK_ABANDONED_SECONDS = float(os.environ.get(
    "IDM_TASK_ABANDONED_SECONDS", 4 * EMAIL_TIMEOUT + IDM_TASK_LEASE_SECONDS))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("IDM_LOG_LEVEL", "WARNING")},
}

# The REST API (src/idm/api, docs/api.md) ---------------------------------------------------------
# JSON only: the browsable API's pages run inline scripts, which the policy above refuses.
# Reading is open; writing takes a token's scope (Authorization: Bearer) or a signed-in session,
# whose writes keep the CSRF check.
IDM_API_PAGE_SIZE = int(os.environ.get("IDM_API_PAGE_SIZE", 50))
IDM_API_MAX_PAGE_SIZE = int(os.environ.get("IDM_API_MAX_PAGE_SIZE", 200))
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "idm.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["idm.api.permissions.ScopedPermission"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "idm.api.pagination.Pagination",
    "PAGE_SIZE": IDM_API_PAGE_SIZE,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "idm.api.exceptions.handle",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "idm API",
    "DESCRIPTION": "Dialogues, workshops, agendas, statements, key messages, recommendations, "
                   "consultations, practices and publications of the International Dialogue on "
                   "Migration. Reading is open and shows what the public pages show; writing "
                   "takes an API token with the operation's scope.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Request and response shapes apart: what a write sends is not what a read shows.
    "COMPONENT_SPLIT_REQUEST": True,
    # The documentation page's scripts and styles come with the sidecar package, from idm itself.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a "kind" or a "status": each set of choices gets a name of its own.
    "ENUM_NAME_OVERRIDES": {
        "SessionKindEnum": "idm.dialogues.models.Session.Kind",
        "StatementKindEnum": "idm.deliberation.models.Statement.Kind",
        "ConsultationItemKindEnum": "idm.consultations.models.ConsultationStatement.Kind",
        "KeyMessageStatusEnum": "idm.deliberation.models.KeyMessage.Status",
        "PracticeStatusEnum": "idm.practices.models.Practice.Status",
        "ConsultationItemStatusEnum": "idm.consultations.models.ConsultationStatement.Status",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "idm.api.schema.document_errors_and_conventions",
    ],
}
