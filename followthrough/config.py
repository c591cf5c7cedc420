"""Configuration from environment variables, validated once at start-up.

Every setting that an operator may change is read here, checked, and turned into plain values
that settings.py uses. A bad value raises ConfigError with one line that names the variable and
what is wrong; settings.py prints that line and stops, so nobody sees a stack trace.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import uuid
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message names the variable."""


@dataclass
class Config:
    debug: bool
    secret_key: str
    databases: dict[str, Any]
    mailer: dict[str, Any]
    base_url: str
    allowed_hosts: list[str]
    time_zone: str
    default_from_email: str
    var_dir: Path
    followup_retry_window_hours: int = 72
    # The email provider's name when EMAIL_URL names one (postmark, ses, mailgun...), and
    # django-anymail's settings for it (its webhook secret among them); "" and {} otherwise.
    email_provider: str = ""
    anymail: dict[str, Any] = field(default_factory=dict)
    # Networks webhooks may be sent to although private (loopback, RFC 1918...): none by default.
    webhook_allowed_networks: list[str] = field(default_factory=list)
    https: bool = field(init=False)

    def __post_init__(self) -> None:
        self.https = self.base_url.startswith("https://")


def read_dotenv(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file; comments and blank lines are skipped."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError(f"{path}: line {number} is not KEY=VALUE")
        values[key.strip().removeprefix("export ").strip()] = value.strip().strip("\"'")
    return values


def parse_bool(name: str, value: str) -> bool:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}: expected true or false, got {value!r}")


def parse_database_url(value: str, var_dir: Path) -> dict[str, Any]:
    """sqlite:///path (relative to the working directory), sqlite:///:memory:, postgres://..."""
    name = "DATABASE_URL"
    if not value:
        return sqlite_database(var_dir / "followthrough.sqlite3")
    parts = urlsplit(value)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if parts.netloc:
            raise ConfigError(f"{name}: write sqlite:///relative/path or sqlite:////absolute/path")
        path = path.removeprefix("/")
        if not path:
            raise ConfigError(f"{name}: sqlite URL has no file path")
        if path == ":memory:":
            return sqlite_database(":memory:")
        return sqlite_database(Path(path))
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        database = unquote(parts.path.lstrip("/"))
        if not database:
            raise ConfigError(
                f"{name}: the PostgreSQL URL names no database (postgres://host/name)"
            )
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"{name}: the port is not a number") from None
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": database,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
            "TEST": {"NAME": f"test_{database}"},
        }
    raise ConfigError(
        f"{name}: unsupported scheme {parts.scheme or '(none)'!r}; use sqlite:///path or postgres://"
    )


def sqlite_database(path: Path | str) -> dict[str, Any]:
    if isinstance(path, Path):
        path.parent.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        # IMMEDIATE transactions and a busy timeout let the web server and the dispatcher
        # write to one file without "database is locked" errors.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }


def parse_email_url(value: str, debug: bool) -> dict[str, Any]:
    """The default mailer (Django's MAILERS) from smtp://user:pass@host:port, smtps://...,
    smtp://host?starttls=true, console://, outbox:// or locmem://."""
    name = "EMAIL_URL"
    if not value:
        value = "outbox://" if debug else "smtp://localhost:25"
    parts = urlsplit(value)
    if parts.scheme == "outbox":
        return {"BACKEND": "followthrough.followups.backends.KeepInOutboxBackend"}
    if parts.scheme == "console":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme in ("smtp", "smtps"):
        if not parts.hostname:
            raise ConfigError(f"{name}: the SMTP URL names no host (smtp://host:port)")
        try:
            port = parts.port
        except ValueError:
            raise ConfigError(f"{name}: the port is not a number") from None
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        starttls = parse_bool(f"{name} starttls", query.get("starttls", "false"))
        return {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": parts.hostname,
                "port": port or (465 if parts.scheme == "smtps" else 25),
                "username": unquote(parts.username or ""),
                "password": unquote(parts.password or ""),
                "use_ssl": parts.scheme == "smtps",
                "use_tls": starttls,
                "timeout": 30,
            },
        }
    if parts.scheme in PROVIDERS:
        return parse_provider_url(parts)
    raise ConfigError(
        f"{name}: unsupported scheme {parts.scheme or '(none)'!r}; "
        "use smtp://, smtps://, console://, outbox:// or a provider "
        f"({', '.join(f'{scheme}://' for scheme in PROVIDERS)})"
    )


# The providers' APIs, through django-anymail: EMAIL_URL's scheme -> the anymail backend, and
# what a well-formed key of theirs looks like (a wrong one stops start-up, not the 9:00 sends).
PROVIDERS = {
    "postmark": "anymail.backends.postmark.EmailBackend",
    "ses": "anymail.backends.amazon_ses.EmailBackend",
    "mailgun": "anymail.backends.mailgun.EmailBackend",
    "sendgrid": "anymail.backends.sendgrid.EmailBackend",
    "brevo": "anymail.backends.brevo.EmailBackend",
    # Resend takes an Idempotency-Key: ours sends the Message-ID as one (followups.backends).
    "resend": "followthrough.followups.backends.ResendBackend",
}
KEY_PREFIXES = {"sendgrid": "SG.", "brevo": "xkeysib-", "resend": "re_"}
AWS_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d+")
MAILGUN_REGIONS = {"us": "https://api.mailgun.net/v3", "eu": "https://api.eu.mailgun.net/v3"}


def parse_provider_url(parts: Any) -> dict[str, Any]:
    """postmark://TOKEN@, mailgun://KEY@domain?region=eu, sendgrid://KEY@, brevo://KEY@,
    resend://KEY@, ses://?region=eu-west-1 (AWS credentials as boto3 finds them, or
    ses://ACCESS_KEY_ID:SECRET@?region=...)."""
    name, provider = "EMAIL_URL", parts.scheme
    key = unquote(parts.username or "")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    options: dict[str, Any] = {}
    if provider == "ses":
        if importlib.util.find_spec("boto3") is None:
            raise ConfigError(f"{name}: ses:// needs the boto3 package (pip install boto3)")
        region = query.get("region", "")
        if not AWS_REGION.fullmatch(region):
            raise ConfigError(f"{name}: ses:// needs ?region=<an AWS region such as eu-west-1>")
        session: dict[str, str] = {"region_name": region}
        if key:
            session |= {
                "aws_access_key_id": key,
                "aws_secret_access_key": unquote(parts.password or ""),
            }
        options["session_params"] = session
    else:
        if not key or any(char.isspace() for char in key):
            raise ConfigError(f"{name}: {provider}:// needs its API key ({provider}://KEY@)")
        prefix = KEY_PREFIXES.get(provider)
        if prefix and not key.startswith(prefix):
            raise ConfigError(f"{name}: a {provider} API key starts with {prefix!r}")
        if provider == "postmark":
            try:
                uuid.UUID(key)
            except ValueError:
                raise ConfigError(
                    f"{name}: a Postmark server token looks like "
                    "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
                ) from None
            options["server_token"] = key
        else:
            options["api_key"] = key
        if provider == "mailgun":
            domain = parts.hostname or ""
            if "." not in domain:
                raise ConfigError(f"{name}: mailgun:// names its sending domain (KEY@mg.example)")
            region = query.get("region", "us")
            if region not in MAILGUN_REGIONS:
                raise ConfigError(f"{name}: mailgun region is us or eu, got {region!r}")
            options |= {"sender_domain": domain, "api_url": MAILGUN_REGIONS[region]}
    return {"BACKEND": PROVIDERS[provider], "OPTIONS": options}


def parse_anymail(email_url: str, secret: str, signing_key: str) -> tuple[str, dict[str, Any]]:
    """The provider EMAIL_URL names, and anymail's settings for its delivery webhook: the
    shared secret of HTTP basic auth (EMAIL_WEBHOOK_SECRET, user:password, which every
    provider can send), and the key of the provider's own signature where it signs (Mailgun's
    webhook signing key, Resend's whsec_ signing secret)."""
    provider = urlsplit(email_url).scheme
    if provider not in PROVIDERS:
        return "", {}
    settings: dict[str, Any] = {}
    if secret:
        user, sep, password = secret.partition(":")
        if not sep or not user or len(password) < 16:
            raise ConfigError(
                "EMAIL_WEBHOOK_SECRET: write user:password, the password of 16 characters or more"
            )
        settings["WEBHOOK_SECRET"] = secret
    if provider == "mailgun" and secret and not signing_key:
        raise ConfigError(
            "EMAIL_WEBHOOK_SIGNING_KEY: Mailgun's webhooks are checked with its webhook "
            "signing key (Sending > Webhooks in Mailgun); set it too"
        )
    if signing_key:
        if provider == "mailgun":
            settings["MAILGUN_WEBHOOK_SIGNING_KEY"] = signing_key
        elif provider == "resend":
            if not signing_key.startswith("whsec_"):
                raise ConfigError(
                    "EMAIL_WEBHOOK_SIGNING_KEY: a Resend signing secret starts with whsec_"
                )
            settings["RESEND_SIGNING_SECRET"] = signing_key
        else:
            raise ConfigError(
                f"EMAIL_WEBHOOK_SIGNING_KEY: {provider} does not sign its webhooks with a key; "
                "use EMAIL_WEBHOOK_SECRET"
            )
    return provider, settings


def parse_base_url(value: str) -> str:
    value = value or "http://127.0.0.1:8000"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"BASE_URL: expected http(s)://host[:port], got {value!r}")
    if parts.path not in ("", "/") or parts.query:
        raise ConfigError(f"BASE_URL: give only scheme, host and port, got {value!r}")
    return f"{parts.scheme}://{parts.netloc}"


def parse_time_zone(value: str) -> str:
    value = value or "UTC"
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIME_ZONE: unknown time zone {value!r} (use an IANA name)") from None
    return value


def parse_from_email(value: str, base_url: str) -> str:
    if not value:
        host = urlsplit(base_url).hostname or "localhost"
        domain = host if "." in host else f"{host}.localdomain"
        return f"Followthrough <followthrough@{domain}>"
    address = value.rsplit("<", 1)[-1].rstrip(">").strip()
    try:
        validate_email(address)
    except ValidationError:
        raise ConfigError(f"DEFAULT_FROM_EMAIL: {value!r} is not an email address") from None
    return value


def parse_secret_key(value: str, databases: dict[str, Any], var_dir: Path) -> str:
    if value:
        if len(value) < 32:
            raise ConfigError("SECRET_KEY: too short, use at least 32 random characters")
        return value
    if databases["ENGINE"].endswith("postgresql"):
        # Several machines must sign links with one key, so production sets it explicitly.
        raise ConfigError("SECRET_KEY: required when DATABASE_URL is PostgreSQL")
    key_file = var_dir / "secret_key"
    if key_file.is_file():
        return key_file.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key + "\n")
    key_file.chmod(0o600)
    return key


def parse_allowed_hosts(value: str, base_url: str) -> list[str]:
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    if not hosts:
        hosts = ["localhost", "127.0.0.1", "[::1]"]
    base_host = urlsplit(base_url).hostname
    if base_host and base_host not in hosts:
        hosts.append(base_host)
    return hosts


def parse_retry_window(value: str) -> int:
    """Hours during which a follow-up that met a temporary failure is tried again."""
    name = "FOLLOWUP_RETRY_WINDOW_HOURS"
    if not value.strip():
        return 72
    try:
        hours = int(value)
    except ValueError:
        raise ConfigError(f"{name}: expected a whole number of hours, got {value!r}") from None
    if hours < 1:
        raise ConfigError(f"{name}: must be at least 1 hour, got {hours}")
    return hours


def parse_webhook_networks(value: str) -> list[str]:
    """WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" allows every address; else comma-separated CIDRs
    (127.0.0.0/8, 10.1.2.0/24...) that webhooks may reach although they are not public."""
    import ipaddress

    name = "WEBHOOK_ALLOW_PRIVATE_NETWORKS"
    words = [word.strip() for word in value.split(",") if word.strip()]
    if len(words) == 1 and words[0].lower() in TRUE_WORDS:
        return ["0.0.0.0/0", "::/0"]
    if len(words) == 1 and words[0].lower() in FALSE_WORDS:
        return []
    networks = []
    for word in words:
        try:
            networks.append(str(ipaddress.ip_network(word, strict=False)))
        except ValueError:
            raise ConfigError(
                f"{name}: expected true, false or networks such as 10.0.0.0/8, got {word!r}"
            ) from None
    return networks


def load(environ: Mapping[str, str], dotenv_path: Path | None = None) -> Config:
    """Reads and validates the configuration; environment variables win over a .env file."""
    env = dict(read_dotenv(dotenv_path)) if dotenv_path else {}
    env.update(environ)
    var_dir = Path(env.get("VAR_DIR") or "var").resolve()
    debug = parse_bool("DEBUG", env.get("DEBUG", "false"))
    database = parse_database_url(env.get("DATABASE_URL", ""), var_dir)
    base_url = parse_base_url(env.get("BASE_URL", ""))
    provider, anymail = parse_anymail(
        env.get("EMAIL_URL", ""),
        env.get("EMAIL_WEBHOOK_SECRET", ""),
        env.get("EMAIL_WEBHOOK_SIGNING_KEY", ""),
    )
    return Config(
        debug=debug,
        secret_key=parse_secret_key(env.get("SECRET_KEY", ""), database, var_dir),
        databases={"default": database},
        mailer=parse_email_url(env.get("EMAIL_URL", ""), debug),
        base_url=base_url,
        allowed_hosts=parse_allowed_hosts(env.get("ALLOWED_HOSTS", ""), base_url),
        time_zone=parse_time_zone(env.get("TIME_ZONE", "")),
        default_from_email=parse_from_email(env.get("DEFAULT_FROM_EMAIL", ""), base_url),
        var_dir=var_dir,
        followup_retry_window_hours=parse_retry_window(env.get("FOLLOWUP_RETRY_WINDOW_HOURS", "")),
        email_provider=provider,
        anymail=anymail,
        webhook_allowed_networks=parse_webhook_networks(
            env.get("WEBHOOK_ALLOW_PRIVATE_NETWORKS", "")
        ),
    )


def load_or_exit() -> Config:
    """Used by settings.py: one line on stderr and exit status 2 on a bad value."""
    try:
        return load(os.environ, Path(".env"))
    except ConfigError as error:
        import sys

        sys.stderr.write(f"followthrough: configuration error: {error}\n")
        raise SystemExit(2) from None
