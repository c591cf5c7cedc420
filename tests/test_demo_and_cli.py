"""The demo data and the `followthrough` console command."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from followthrough.accounts.models import Membership, Role, User, Workspace
from followthrough.core import demo


def test_demo_is_idempotent_and_tells_the_stories(db: object) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    counts = (User.objects.count(), Membership.objects.count(), Workspace.objects.count())
    call_command("demo", stdout=StringIO())
    call_command("demo", "--once", stdout=StringIO())
    assert (User.objects.count(), Membership.objects.count(), Workspace.objects.count()) == counts
    assert "morgan@example.com" in out.getvalue()
    assert demo.DEMO_PASSWORD in out.getvalue()

    bob = Membership.objects.get(user__email="bob@example.com", workspace__slug="brightline")
    assert bob.role == Role.REP
    assert {c.user.name for c in bob.coaches()} == {"Morgan Reyes", "Karen Liu"}
    assert [f.user.name for f in bob.followers()] == ["Tom Brandt"]
    alejandro = User.objects.get(email="alejandro@example.com")
    assert alejandro.profile.time_zone == "America/Argentina/Buenos_Aires"
    assert alejandro.profile.language == "es"
    morgan = User.objects.get(email=demo.DEMO_COACH_EMAIL)
    assert morgan.active_memberships().count() == 2  # an independent coach, two companies
    assert morgan.check_password(demo.DEMO_PASSWORD)


def test_demo_once_leaves_changes_alone(db: object) -> None:
    call_command("demo", stdout=StringIO())
    bob = User.objects.get(email="bob@example.com")
    bob.set_password("bob-changed-his-password")
    bob.save()
    out = StringIO()
    call_command("demo", "--once", stdout=out)
    assert "already loaded" in out.getvalue()
    bob.refresh_from_db()
    assert bob.check_password("bob-changed-his-password")


def test_console_command_runs_management_commands(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "followthrough"
    assert command.exists(), "pip install -e . puts the followthrough command beside python"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "followthrough.settings"})
    result = subprocess.run(
        [str(command), "help"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    for name in ("demo", "serve", "migrate"):
        assert name in result.stdout


def test_manage_py_is_the_same_command(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "followthrough.settings"})
    result = subprocess.run(
        [sys.executable, str(root / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
