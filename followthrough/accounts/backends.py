from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from followthrough.accounts.models import User, normalize_email


class EmailBackend(ModelBackend):
    """Logs in by email address, whatever its case."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = kwargs.get("email", username)
        if not email or password is None:
            return None
        try:
            user = User.objects.get(email=normalize_email(email))
        except User.DoesNotExist:
            User().set_password(password)  # same time as a real check: no hint who exists
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
