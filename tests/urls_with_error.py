"""The real URLs plus one view that fails, to see what a person gets from a server error."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from followthrough.urls import handler500
from followthrough.urls import urlpatterns as real_urlpatterns

__all__ = ["handler500", "urlpatterns"]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns: list[URLPattern | URLResolver] = [*real_urlpatterns, path("broken/", broken)]
