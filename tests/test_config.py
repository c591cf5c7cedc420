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
