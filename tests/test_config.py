"""Configuration from the environment: good values parse, bad ones stop start-up in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from followthrough import config


def load(tmp_path: Path, **env: str) -> config.Config:
    return config.load({"VAR_DIR": str(tmp_path), **env})


def test_embedded_defaults(tmp_path: Path) -> None:
    cfg = load(tmp_path)
    assert cfg.debug is False
    assert cfg.databases["default"]["ENGINE"] == "django.db.backends.sqlite3"
    assert cfg.databases["default"]["NAME"] == str(tmp_path / "followthrough.sqlite3")
    assert cfg.base_url == "http://127.0.0.1:8000"
    assert cfg.time_zone == "UTC"
    assert cfg.https is False
    assert cfg.mailer["BACKEND"].endswith("smtp.EmailBackend")


def test_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = load(tmp_path).secret_key
    second = load(tmp_path).secret_key
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_postgres_url(tmp_path: Path) -> None:
    cfg = load(
        tmp_path,
        DATABASE_URL="postgres://app:p%40ss@db.internal:6543/followthrough?sslmode=require",
        SECRET_KEY="k" * 40,
    )
    database = cfg.databases["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["USER"], database["PASSWORD"]) == ("app", "p@ss")
    assert (database["HOST"], database["PORT"], database["NAME"]) == (
        "db.internal",
        "6543",
        "followthrough",
    )
    assert database["OPTIONS"] == {"sslmode": "require"}


def test_smtp_url_with_credentials(tmp_path: Path) -> None:
    cfg = load(tmp_path, EMAIL_URL="smtps://mailer:s%2Fecret@smtp.example.com")
    options = cfg.mailer["OPTIONS"]
    assert options["host"] == "smtp.example.com"
    assert options["port"] == 465
    assert (options["username"], options["password"]) == ("mailer", "s/ecret")
    assert options["use_ssl"] is True


def test_https_base_url_turns_on_secure_cookies(tmp_path: Path) -> None:
    cfg = load(tmp_path, BASE_URL="https://coach.example.com", ALLOWED_HOSTS="")
    assert cfg.https is True
    assert "coach.example.com" in cfg.allowed_hosts


def test_debug_keeps_mail_in_the_outbox(tmp_path: Path) -> None:
    assert load(tmp_path, DEBUG="true").mailer["BACKEND"].endswith("KeepInOutboxBackend")
    assert load(tmp_path, EMAIL_URL="console://").mailer["BACKEND"].endswith("console.EmailBackend")


def test_dotenv_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("# comment\nTIME_ZONE=Europe/Madrid\nexport BASE_URL='http://a.example'\n")
    cfg = config.load({"VAR_DIR": str(tmp_path), "TIME_ZONE": "Asia/Tokyo"}, dotenv)
    assert cfg.time_zone == "Asia/Tokyo"
    assert cfg.base_url == "http://a.example"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DATABASE_URL", "mysql://localhost/db", "DATABASE_URL: unsupported scheme 'mysql'"),
        (
            "DATABASE_URL",
            "postgres://localhost",
            "DATABASE_URL: the PostgreSQL URL names no database",
        ),
        ("DATABASE_URL", "postgres://h:port/db", "DATABASE_URL: the port is not a number"),
        ("EMAIL_URL", "carrier-pigeon://coop", "EMAIL_URL: unsupported scheme 'carrier-pigeon'"),
        ("EMAIL_URL", "smtp://", "EMAIL_URL: the SMTP URL names no host"),
        ("BASE_URL", "ftp://example.com", "BASE_URL: expected http(s)://host"),
        ("BASE_URL", "https://example.com/app", "BASE_URL: give only scheme, host and port"),
        ("DEBUG", "maybe", "DEBUG: expected true or false, got 'maybe'"),
        ("TIME_ZONE", "Mars/Olympus_Mons", "TIME_ZONE: unknown time zone 'Mars/Olympus_Mons'"),
        ("DEFAULT_FROM_EMAIL", "not an address", "DEFAULT_FROM_EMAIL: 'not an address' is not"),
        ("SECRET_KEY", "short", "SECRET_KEY: too short"),
        (
            "FOLLOWUP_RETRY_WINDOW_HOURS",
            "3 days",
            "FOLLOWUP_RETRY_WINDOW_HOURS: expected a whole number of hours, got '3 days'",
        ),
        ("FOLLOWUP_RETRY_WINDOW_HOURS", "0", "FOLLOWUP_RETRY_WINDOW_HOURS: must be at least 1"),
    ],
)
def test_bad_values_name_the_variable(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(config.ConfigError) as error:
        load(tmp_path, **{variable: value})
    assert str(error.value).startswith(message)


def test_the_retry_window_defaults_to_three_days(tmp_path: Path) -> None:
    assert load(tmp_path).followup_retry_window_hours == 72
    assert load(tmp_path, FOLLOWUP_RETRY_WINDOW_HOURS="24").followup_retry_window_hours == 24


def test_postgres_requires_an_explicit_secret_key(tmp_path: Path) -> None:
    with pytest.raises(config.ConfigError, match="SECRET_KEY: required"):
        load(tmp_path, DATABASE_URL="postgres://localhost/followthrough")


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    ours = {"DATABASE_URL", "SECRET_KEY", "EMAIL_URL", "BASE_URL", "DEBUG", "TIME_ZONE"}
    ours.add("DJANGO_ALLOW_ASYNC_UNSAFE")  # the browser tests' setting; `check --deploy` refuses it
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "followthrough.settings"})
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "followthrough.cli", *args],
        env=clean,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [("DATABASE_URL", "mysql://x/y"), ("TIME_ZONE", "Nowhere/Special"), ("DEBUG", "perhaps")],
)
def test_start_up_stops_with_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_cli(tmp_path, "check", **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"followthrough: configuration error: {variable}:")
    assert "Traceback" not in result.stderr + result.stdout


def test_start_up_with_good_configuration(tmp_path: Path) -> None:
    result = run_cli(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        BASE_URL="https://coach.example.com",
        EMAIL_URL="smtp://mail.example.com:587?starttls=true",
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret_key").is_file()


# Providers' APIs through django-anymail ---------------------------------------------------------

POSTMARK_TOKEN = "0f8e2c1a-5b7d-4e3f-9a6c-2d1b0e9f8a7c"


@pytest.mark.parametrize(
    ("url", "backend", "options"),
    [
        (
            f"postmark://{POSTMARK_TOKEN}@",
            "anymail.backends.postmark.EmailBackend",
            {"server_token": POSTMARK_TOKEN},
        ),
        (
            "mailgun://key-0123abcd@mg.example.com?region=eu",
            "anymail.backends.mailgun.EmailBackend",
            {
                "api_key": "key-0123abcd",
                "sender_domain": "mg.example.com",
                "api_url": "https://api.eu.mailgun.net/v3",
            },
        ),
        (
            "sendgrid://SG.abc.def@",
            "anymail.backends.sendgrid.EmailBackend",
            {"api_key": "SG.abc.def"},
        ),
        (
            "brevo://xkeysib-123-abc@",
            "anymail.backends.brevo.EmailBackend",
            {"api_key": "xkeysib-123-abc"},
        ),
        (
            "resend://re_123abc@",
            "followthrough.followups.backends.ResendBackend",
            {"api_key": "re_123abc"},
        ),
    ],
)
def test_provider_urls(tmp_path: Path, url: str, backend: str, options: dict[str, str]) -> None:
    cfg = load(tmp_path, EMAIL_URL=url)
    assert cfg.mailer == {"BACKEND": backend, "OPTIONS": options}
    assert cfg.email_provider == url.split(":", 1)[0]
    assert cfg.anymail == {}  # no webhook secret: no webhook


def test_ses_url_needs_boto3_and_a_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = {"boto3": object()}
    monkeypatch.setattr(config.importlib.util, "find_spec", lambda name: found.get(name))
    cfg = load(tmp_path, EMAIL_URL="ses://AKIAEXAMPLE:s%2Fecret@?region=eu-west-1")
    assert cfg.mailer["BACKEND"] == "anymail.backends.amazon_ses.EmailBackend"
    assert cfg.mailer["OPTIONS"]["session_params"] == {
        "region_name": "eu-west-1",
        "aws_access_key_id": "AKIAEXAMPLE",
        "aws_secret_access_key": "s/ecret",
    }
    with pytest.raises(config.ConfigError, match=r"^EMAIL_URL: ses:// needs \?region="):
        load(tmp_path, EMAIL_URL="ses://?region=moon")
    found.clear()
    with pytest.raises(config.ConfigError, match=r"^EMAIL_URL: ses:// needs the boto3 package"):
        load(tmp_path, EMAIL_URL="ses://?region=eu-west-1")


def test_webhook_secrets(tmp_path: Path) -> None:
    secret = "hooks:0123456789abcdef"
    cfg = load(tmp_path, EMAIL_URL=f"postmark://{POSTMARK_TOKEN}@", EMAIL_WEBHOOK_SECRET=secret)
    assert cfg.anymail == {"WEBHOOK_SECRET": secret}
    cfg = load(
        tmp_path,
        EMAIL_URL="mailgun://key-1@mg.example.com",
        EMAIL_WEBHOOK_SECRET=secret,
        EMAIL_WEBHOOK_SIGNING_KEY="signing-key",
    )
    assert cfg.anymail == {"WEBHOOK_SECRET": secret, "MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key"}
    cfg = load(tmp_path, EMAIL_URL="resend://re_1@", EMAIL_WEBHOOK_SIGNING_KEY="whsec_abc")
    assert cfg.anymail == {"RESEND_SIGNING_SECRET": "whsec_abc"}
    # SMTP has no provider and no webhook, whatever is set.
    assert load(tmp_path, EMAIL_WEBHOOK_SECRET="nonsense").anymail == {}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"EMAIL_URL": "postmark://@"}, "EMAIL_URL: postmark:// needs its API key"),
        ({"EMAIL_URL": "postmark://not-a-token@"}, "EMAIL_URL: a Postmark server token looks like"),
        ({"EMAIL_URL": "sendgrid://abc@"}, "EMAIL_URL: a sendgrid API key starts with 'SG.'"),
        ({"EMAIL_URL": "brevo://abc@"}, "EMAIL_URL: a brevo API key starts with 'xkeysib-'"),
        ({"EMAIL_URL": "resend://abc@"}, "EMAIL_URL: a resend API key starts with 're_'"),
        ({"EMAIL_URL": "mailgun://key-1@"}, "EMAIL_URL: mailgun:// names its sending domain"),
        ({"EMAIL_URL": "mailgun://key-1@mg.example.com?region=mars"}, "EMAIL_URL: mailgun region"),
        (
            {"EMAIL_URL": "resend://re_1@", "EMAIL_WEBHOOK_SECRET": "no-colon"},
            "EMAIL_WEBHOOK_SECRET: write user:password",
        ),
        (
            {
                "EMAIL_URL": "mailgun://key-1@mg.example.com",
                "EMAIL_WEBHOOK_SECRET": "a:0123456789abcdef",
            },
            "EMAIL_WEBHOOK_SIGNING_KEY: Mailgun's webhooks are checked",
        ),
        (
            {"EMAIL_URL": "resend://re_1@", "EMAIL_WEBHOOK_SIGNING_KEY": "abc"},
            "EMAIL_WEBHOOK_SIGNING_KEY: a Resend signing secret starts with whsec_",
        ),
        (
            {"EMAIL_URL": f"postmark://{POSTMARK_TOKEN}@", "EMAIL_WEBHOOK_SIGNING_KEY": "abc"},
            "EMAIL_WEBHOOK_SIGNING_KEY: postmark does not sign",
        ),
    ],
)
def test_bad_provider_values_name_the_problem(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    with pytest.raises(config.ConfigError) as error:
        load(tmp_path, **env)
    assert str(error.value).startswith(message)


def test_a_wrong_provider_key_stops_start_up_in_one_line(tmp_path: Path) -> None:
    # PYTHONPATH: this checkout's code, whichever one the virtual environment installed.
    root = str(Path(__file__).resolve().parent.parent)
    result = run_cli(tmp_path, "check", EMAIL_URL="sendgrid://oops@", PYTHONPATH=root)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "followthrough: configuration error: EMAIL_URL: a sendgrid API key starts with 'SG.'"
    ]
