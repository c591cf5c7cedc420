"""Settings for the test suite: the real settings, with a fixed key and fast password hashing.

DATABASE_URL chooses the database (scripts/test runs the suite on SQLite, then PostgreSQL).
"""

import os
import tempfile

# Fixed whatever the developer's shell or .env says, so that tests see the same values anywhere.
os.environ.update(
    {
        "SECRET_KEY": "test-only-secret-key-that-is-long-enough-0123456789",
        "VAR_DIR": tempfile.mkdtemp(prefix="followthrough-test-var-"),
        "BASE_URL": "http://testserver",
        "DEBUG": "false",
        "EMAIL_URL": "locmem://",
        "TIME_ZONE": "UTC",
        "ALLOWED_HOSTS": "testserver,localhost,127.0.0.1",
        "DEFAULT_FROM_EMAIL": "",
    }
)
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")

from followthrough.settings import *  # noqa: F403

# A file, not memory, so that dispatcher processes started by the tests share the database.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(os.environ["VAR_DIR"], "test.sqlite3")}  # noqa: F405

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# A test app registers a kind of follow-up of its own (tests/test_followup_kinds.py).
INSTALLED_APPS = [*INSTALLED_APPS, "tests.kindsapp"]  # noqa: F405
