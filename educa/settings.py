"""The one settings module for Educa.

Every knob is an environment variable (a `.env` file in the working directory is
read too). The defaults are the embedded stack a laptop needs: SQLite under
`DATA_DIR`, the in-memory channel layer and the local-memory cache. Setting
`DATABASE_URL` and `REDIS_URL` switches to PostgreSQL and Redis; `DEBUG=false`
turns on the production safeguards. The README's configuration table lists
every variable.
"""

import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(Path.cwd() / ".env")

DEBUG = env.bool("DEBUG", default=True)
DATA_DIR = Path(env.str("DATA_DIR", default=str(BASE_DIR / "data")))

SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

if DEBUG:
    SECRET_KEY = (
        SECRET_KEY or "django-insecure-educa-development-key-never-use-in-production"
    )
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["localhost", ".localhost", "127.0.0.1", "[::1]"]
else:
    # A one-line message instead of a traceback: the operator only needs to
    # know which variable to set.
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
        )
        if not value
    ]
    if missing:
        sys.exit(
            f"Educa configuration error: DEBUG is off, so {' and '.join(missing)} "
            "must be set (e.g. SECRET_KEY=<50+ random characters> "
            "ALLOWED_HOSTS=educa.example.com)."
        )

INSTALLED_APPS = [
    "educa.accounts.apps.EducaAdminConfig",  # django.contrib.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "educa.accounts",
    "educa.courses",
    "educa.learning",
    "educa.chat",
    "educa.realtime",
    "educa.ops",
    "educa.mail",
    "corsheaders",
]

MIDDLEWARE = [
    # Probes first (no host check, no HTTPS redirect, no access line), then the
    # access log around everything else, then CORS before anything that answers.
    "educa.ops.health.health_middleware",
    "educa.ops.middleware.request_log_middleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, noting the user it loads for the access log.
    "educa.ops.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "educa.courses.middleware.CourseSubdomainMiddleware",
    "educa.ops.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "educa.urls"
WSGI_APPLICATION = "educa.wsgi.application"
ASGI_APPLICATION = "educa.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "educa" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'educa.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite creates the file but not its folder; a fresh clone has neither.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
# Under ASGI each request's sync code runs in a thread of its own, so kept
# connections would pile up: reuse comes from DATABASE_POOL_SIZE instead.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # django-redis: one connection pool per process; with Redis unreachable
    # or hung, each call waits at most REDIS_CACHE_TIMEOUT, is logged
    # ("cache.error") and answered as a miss, so pages come from the database.
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "educa",
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "CONNECTION_FACTORY": "educa.ops.cache.SharedClientConnectionFactory",
                "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CACHE_TIMEOUT", default=0.2),
                "SOCKET_TIMEOUT": env.float("REDIS_CACHE_TIMEOUT", default=0.2),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "educa.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long a rendered search answer is kept (at most: any catalog write
# forgets it before): searches are keyed by their words, which are unbounded,
# so their keys must expire. 0: searches are not cached.
SEARCH_CACHE_SECONDS = env.int("SEARCH_CACHE_SECONDS", default=120)
# Live events (educa/realtime/fanout.py) are Redis pub/sub channels named
# "<CHANNEL_PREFIX>:<group>". Pub/sub ignores the Redis database number, so
# the prefix keeps deployments (and test runs) that share a server apart.
CHANNEL_PREFIX = env.str(
    "CHANNEL_PREFIX", default=f"educa.{urlsplit(REDIS_URL).path.strip('/') or 0}"
)

AUTH_USER_MODEL = "accounts.User"
# Every password check (token endpoint, HTTP Basic, sign-in and admin pages)
# is refused before hashing once the client address or the account has failed
# too often in the current window (educa/accounts/limits.py).
# Django's ModelBackend stays listed for the sessions signed in through it
# before; PasswordLimitedBackend refuses a wrong password for good, so
# ModelBackend never checks one.
AUTHENTICATION_BACKENDS = [
    "educa.accounts.backends.PasswordLimitedBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_FAILURES_PER_ACCOUNT = env.int("PASSWORD_FAILURES_PER_ACCOUNT", default=10)
PASSWORD_FAILURES_PER_IP = env.int("PASSWORD_FAILURES_PER_IP", default=100)
PASSWORD_FAILURE_WINDOW_MINUTES = env.int("PASSWORD_FAILURE_WINDOW_MINUTES", default=15)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "course_list"
LOGOUT_REDIRECT_URL = "course_list"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "educa" / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MAX_UPLOAD_SIZE = env.int("MAX_UPLOAD_MB", default=20) * 2**20
# A TrueType font for certificates (any script a name is written in);
# without one they fall back to Helvetica, which has Latin-1 only.
CERTIFICATE_FONT = env.str(
    "CERTIFICATE_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; development serves
        # straight from the apps' folders instead.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Files browsers ask for at the site's root (favicon.ico).
WHITENOISE_ROOT = BASE_DIR / "educa" / "public"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Educa <noreply@educa.local>"
)

SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HSTS preload is a promise to browser vendors that only the operator can
# make, so `check --deploy`'s reminder about it is silenced (see README).
SILENCED_SYSTEM_CHECKS = ["security.W021"]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Bearer JWT first; the browsable API uses the session; seed clients
        # send HTTP Basic (which pays a password hash on every request).
        "educa.accounts.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
        "educa.accounts.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": [
        "educa.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "educa.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "educa.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "educa.api.throttling.AnonRateThrottle",
        "educa.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.str("THROTTLE_AUTH_RATE", default="20/min"),
        "user": env.str("THROTTLE_USER_RATE", default="1000/min"),
        "anon": env.str("THROTTLE_ANON_RATE", default="300/min"),
    },
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(
        minutes=env.int("JWT_ACCESS_MINUTES", default=15)
    ),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("JWT_REFRESH_DAYS", default=7)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": False,
    # Inactive accounts, and sign-ups yet to verify their address (when
    # REQUIRE_EMAIL_VERIFICATION is on), get no token.
    "USER_AUTHENTICATION_RULE": "educa.accounts.services.may_sign_in",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Educa API",
    "DESCRIPTION": (
        "Courses, enrollment and learning content. Authenticate with a Bearer "
        "JWT from /api/token/ (session and HTTP Basic also work)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        # A chat room's status shares the field name with a course's.
        "CourseStatusEnum": "educa.courses.models.Course.Status",
        "QuestionKindEnum": ["single", "multiple", "short", "numeric"],
    },
}

# Web app (courses, learning): course subdomains and private media.
# `<slug>.<COURSE_SUBDOMAIN_HOST>` redirects to that course's page; empty
# turns the redirect off.
COURSE_SUBDOMAIN_HOST = env.str(
    "COURSE_SUBDOMAIN_HOST", default="localhost" if DEBUG else ""
)
# Set (e.g. "/protected-media/") when nginx serves uploads from an `internal`
# location: the media view then answers with X-Accel-Redirect only.
MEDIA_ACCEL_REDIRECT_PREFIX = env.str("MEDIA_ACCEL_REDIRECT_PREFIX", default="")

# Chat and live notifications (WebSockets). See the README's "Real time".
CHAT_MESSAGES_PER_SECOND = env.int("CHAT_MESSAGES_PER_SECOND", default=10)
WS_MAX_FRAMES_PER_SECOND = env.int("WS_MAX_FRAMES_PER_SECOND", default=50)
WS_HEARTBEAT_SECONDS = env.float("WS_HEARTBEAT_SECONDS", default=25)
WS_SOCKETS_PER_USER_PER_ROOM = env.int("WS_SOCKETS_PER_USER_PER_ROOM", default=10)
CHAT_ATTACHMENT_MAX_SIZE = env.int("CHAT_ATTACHMENT_MB", default=10) * 2**20
# How long after sending an author may still edit or delete a message.
CHAT_EDIT_WINDOW_MINUTES = env.int("CHAT_EDIT_WINDOW_MINUTES", default=15)

# GraphQL (educa/graphql). See the README's "GraphQL API". Introspection and
# GraphiQL follow DEBUG; these limits hold either way.
GRAPHQL_MAX_DEPTH = env.int("GRAPHQL_MAX_DEPTH", default=10)
GRAPHQL_MAX_ALIASES = env.int("GRAPHQL_MAX_ALIASES", default=15)
GRAPHQL_MAX_TOKENS = env.int("GRAPHQL_MAX_TOKENS", default=2000)
GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET = env.int(
    "GRAPHQL_MAX_SUBSCRIPTIONS_PER_SOCKET", default=10
)

# --- Production topology (deploy/): proxy trust, CORS, log format ---
# Behind nginx the client's scheme arrives in X-Forwarded-Proto; believe it
# only when told the proxy in front is ours (it overwrites what clients send).
TRUST_PROXY_HEADERS = env.bool("TRUST_PROXY_HEADERS", default=False)
if TRUST_PROXY_HEADERS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|graphql)/.*$"
LOG_FORMAT = env.str("LOG_FORMAT", default="plain" if DEBUG else "json")

# REST API (educa/api) and serving it under uvicorn.
# Django runs each ASGI request's sync code in a thread of its own, so
# CONN_MAX_AGE keeps one PostgreSQL connection per request (they pile up);
# DATABASE_POOL_SIZE > 0 shares a process-wide pool of that size instead and
# closes nothing per request.
DATABASE_POOL_SIZE = env.int("DATABASE_POOL_SIZE", default=0)
if (
    DATABASE_POOL_SIZE
    and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
):
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_SIZE,
        # With the database down, fail a request after 5 s instead of
        # psycopg's 30 s wait, so the 503 handler answers. Shorter waits
        # failed requests after the database was back, while the pool was
        # still between reconnection attempts.
        "timeout": 5,
    }
    # With CONN_HEALTH_CHECKS (above) the pool checks each connection before
    # lending it, so one PostgreSQL closed while it sat idle is replaced.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# How many HTTP requests a worker runs at once; the rest queue in arrival
# order (educa/ops/concurrency.py). 0: no bound, as in development, where
# Django streams media files itself and a slow download would hold a slot.
HTTP_MAX_CONCURRENCY = env.int("HTTP_MAX_CONCURRENCY", default=0 if DEBUG else 4)
# Every API operation documents its JSON error responses.
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "educa.api.schema.add_error_responses",
]

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "cache_errors": {"()": "educa.ops.logs.CacheErrorFilter"},
        "redact_tokens": {"()": "educa.ops.logs.RedactTokens"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "educa.ops.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            "filters": ["redact_tokens"],
        }
    },
    "loggers": {
        "educa.cache": {"filters": ["cache_errors"]},
        # fpdf2 subsets the certificate font with fontTools, which narrates
        # every step at INFO: forty lines per certificate.
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# --- Background work and e-mail (README: "E-mail" and "Workers") ---
# Tasks go through Django's tasks API (the django-tasks backport). The
# embedded default runs each one at once in the process that enqueues it;
# TASK_BACKEND=database stores them in the database for `worker` processes.
TASK_BACKEND = env.str("TASK_BACKEND", default="immediate")
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
if TASK_BACKEND not in TASK_BACKENDS:
    sys.exit(
        f"Educa configuration error: TASK_BACKEND={TASK_BACKEND!r}; use "
        "'immediate' or 'database'."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[TASK_BACKEND]}}
# A failed task runs again after TASK_RETRY_SECONDS, then twice as long each
# time, up to TASK_MAX_ATTEMPTS attempts in all.
TASK_MAX_ATTEMPTS = env.int("TASK_MAX_ATTEMPTS", default=5)
TASK_RETRY_SECONDS = env.float("TASK_RETRY_SECONDS", default=30)
# A worker whose heartbeat is older than this is dead: its task runs again.
WORKER_HEARTBEAT_SECONDS = env.float("WORKER_HEARTBEAT_SECONDS", default=5)
WORKER_DEAD_AFTER_SECONDS = env.float("WORKER_DEAD_AFTER_SECONDS", default=30)
# Periodic tasks: cron expressions (UTC) run by the workers, once per slot
# however many workers there are (educa/ops/schedule.py).
TASK_SCHEDULE = {
    "enrollment-reminders": {
        "task": "educa.learning.tasks.send_enrollment_reminders",
        "cron": env.str("ENROLL_REMINDER_CRON", default="0 9 * * *"),
    },
    "missed-messages": {
        "task": "educa.chat.tasks.send_missed_message_emails",
        "cron": env.str("MISSED_MESSAGES_CRON", default="* * * * *"),
    },
    "stalled-emails": {
        "task": "educa.mail.tasks.deliver_stalled_emails",
        "cron": "*/5 * * * *",
    },
}
# Where links in e-mails sent without a request (reminders, missed messages)
# point: the site's public address.
SITE_URL = (
    env.str("SITE_URL", default="")
    or ("http://127.0.0.1:8000" if DEBUG else f"https://{ALLOWED_HOSTS[0].lstrip('.')}")
).rstrip("/")

# Accounts: password reset and e-mail change links, avatars.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_HOURS", default=24) * 3600
EMAIL_CHANGE_TIMEOUT = env.int("EMAIL_CHANGE_HOURS", default=24) * 3600
PASSWORD_RESETS_PER_IP = env.int("PASSWORD_RESETS_PER_IP", default=20)
PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=3)
PASSWORD_RESET_WINDOW_MINUTES = env.int("PASSWORD_RESET_WINDOW_MINUTES", default=60)
REQUIRE_EMAIL_VERIFICATION = env.bool("REQUIRE_EMAIL_VERIFICATION", default=False)
AVATAR_MAX_SIZE = env.int("AVATAR_MAX_MB", default=5) * 2**20
ENROLL_REMINDER_DAYS = env.int("ENROLL_REMINDER_DAYS", default=7)
# A direct message or @mention still unread this long is e-mailed.
MISSED_MESSAGES_MINUTES = env.int("MISSED_MESSAGES_MINUTES", default=10)
