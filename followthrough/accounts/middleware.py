from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from followthrough.accounts.models import Profile


class ProfileLocaleMiddleware:
    """Speaks each logged-in person's chosen language (Django's own texts, dates and numbers)
    and shows times in their own time zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language, zone = "en", None
        if request.user.is_authenticated:
            found = (
                Profile.objects.filter(user=request.user)
                .values_list("language", "time_zone")
                .first()
            )
            if found:
                language, zone = found
        with translation.override(language), timezone.override(zone):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
