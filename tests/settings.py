"""Settings for the test suite: the real settings, with a fixed key and fast password hashing.

DATABASE_URL chooses the database (scripts/test runs the suite on SQLite, then PostgreSQL).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("DATABASE_URL", "sqlite:///:memory:")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="followthrough-test-var-"))
os.environ.setdefault("BASE_URL", "http://testserver")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("EMAIL_URL", "locmem://")

from followthrough.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
