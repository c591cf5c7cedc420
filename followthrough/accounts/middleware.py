from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers

from followthrough.accounts.models import Profile
from followthrough.lib import languages


class ProfileLocaleMiddleware:
    """Speaks each logged-in person's chosen language and shows times in their own time zone;
    before login (and on anonymous pages) the browser's Accept-Language decides."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A malformed header parses as no preference: English.
        language, zone = translation.get_language_from_request(request), None
        if request.user.is_authenticated:
            found = (
                Profile.objects.filter(user=request.user)
                .values_list("language", "time_zone")
                .first()
            )
            if found:
                language, zone = languages.supported(found[0]), found[1]
        with translation.override(language), timezone.override(zone):
            response = self.get_response(request)
            # A view may speak another language (the check-in page speaks its rep's).
            served = translation.get_language() or language
        response.headers.setdefault("Content-Language", served)
        if not request.user.is_authenticated:
            patch_vary_headers(response, ["Accept-Language"])
        return response
