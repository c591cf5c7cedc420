from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from followthrough.accounts.models import Profile


class ProfileLocaleMiddleware:
    """Speaks each logged-in person's chosen language (Django's own texts, dates and numbers)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = None
        if request.user.is_authenticated:
            language = (
                Profile.objects.filter(user=request.user).values_list("language", flat=True).first()
            )
        with translation.override(language or "en"):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language or "en")
        return response
