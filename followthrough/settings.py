"""Django settings. Every value an operator may change comes from followthrough.config."""

import datetime as dt
from pathlib import Path

from django.utils.csp import CSP

from followthrough import config

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG = config.load_or_exit()

DEBUG = CONFIG.debug
SECRET_KEY = CONFIG.secret_key
BASE_URL = CONFIG.base_url
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = [CONFIG.base_url]
VAR_DIR = CONFIG.var_dir

INSTALLED_APPS = [
    "followthrough.accounts",
    "followthrough.core",
    "followthrough.events",
    "followthrough.followups",
    "followthrough.coaching",
    "followthrough.progress",  # migration history only: see progress/apps.py
    "followthrough.metrics",
    "followthrough.pipeline",
    "followthrough.clients",
    "followthrough.insights",
    "followthrough.weeks",
    "followthrough.updates",
    "followthrough.sync",
    "followthrough.digests",
    "followthrough.programs",
    "followthrough.api",
    "followthrough.webhooks",
    "followthrough.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks_db",
    "ninja",  # its swagger-ui static files and template, for the API docs page
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "followthrough.api.middleware.ApiMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "followthrough.accounts.middleware.ProfileLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "followthrough.urls"
WSGI_APPLICATION = "followthrough.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "followthrough.accounts.context_processors.workspace",
                "followthrough.followups.context_processors.dispatcher_health",
                "followthrough.coaching.context_processors.new_answers",
            ],
            # In every template: {{ name|bdi }} (a right-to-left name does not scramble the
            # sentence around it) and {{ day|short:"D j M" }} (short dates per language).
            "builtins": ["followthrough.web.bidi", "followthrough.web.shortdates"],
        },
    },
]

DATABASES = CONFIG.databases
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["followthrough.accounts.backends.EmailBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24  # a reset link is good for one day

# Failed logins for one email address within the window before further attempts wait.
LOGIN_FAILURE_LIMIT = 5
LOGIN_FAILURE_WINDOW_MINUTES = 15
INVITATION_MAX_AGE_DAYS = 7

SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
SESSION_COOKIE_SECURE = CONFIG.https
CSRF_COOKIE_SECURE = CONFIG.https
SESSION_COOKIE_HTTPONLY = True
if CONFIG.https:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 30
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy: scripts and styles only from our own static files, so that
# even a name that slipped through unescaped could not run. No inline <script> and no on*=
# handlers anywhere (tests/test_csp.py scans the templates); htmx is told not to inject its
# indicator <style> (base.html's htmx-config). A view that needs more says so itself.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
TIME_ZONE = CONFIG.time_zone
USE_I18N = True
# One catalogue for the whole project; the .mo is compiled at install (Makefile), not committed.
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing one
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Whitenoise serves the package's own static files (htmx included); nothing comes from a CDN.
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

DEFAULT_FROM_EMAIL = CONFIG.default_from_email
# The right-hand side of Message-IDs: <followup.ID.VERSION@domain>.
MESSAGE_ID_DOMAIN = DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].rstrip(">").strip()
SERVER_EMAIL = CONFIG.default_from_email
EMAIL_SUBJECT_PREFIX = "[Followthrough] "
MAILERS = {"default": CONFIG.mailer}
# The provider EMAIL_URL names ("" for SMTP and the rest): its delivery webhook, at
# /hooks/anymail/<provider>/tracking/, is live only for it and only with a webhook secret.
EMAIL_PROVIDER = CONFIG.email_provider
ANYMAIL = CONFIG.anymail
# A follow-up that meets temporary failures is tried again for this long from its first try.
FOLLOWUP_RETRY_WINDOW = dt.timedelta(hours=CONFIG.followup_retry_window_hours)
# Webhooks go to public addresses only, except in these networks (WEBHOOK_ALLOW_PRIVATE_NETWORKS).
WEBHOOK_ALLOWED_NETWORKS = CONFIG.webhook_allowed_networks
# Seconds a webhook endpoint has to answer; a slower one counts as a failure and is retried.
WEBHOOK_TIMEOUT = 5.0

# Work that must not run in a request (the CSV check; PDFs and fan-outs next) is a task of
# Django's tasks framework, stored in the database and run by `followthrough worker` (which
# `followthrough serve` starts). What a person can see, cancel or reschedule stays a FollowUp.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task still marked running this long after it started is taken for lost (its worker was
# killed) and marked failed, with that error, so that it shows rather than hangs. Every task
# must finish well within it; `followthrough worker --lease` overrides it.
TASK_LEASE = dt.timedelta(minutes=10)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if DEBUG else "WARNING"},
}
# The API (followthrough.api): requests per minute and token, the largest body accepted, and
# how long an Idempotency-Key's first answer is replayed.
API_RATE_LIMIT = 600
API_MAX_BODY_BYTES = 256 * 1024
API_IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)

CSRF_FAILURE_VIEW = "followthrough.web.errors.csrf_failure"
