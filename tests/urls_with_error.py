"""The real URLs plus one view that fails, to see what a person gets from a server error."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from followthrough.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret internals: password=hunter2")


urlpatterns = [*urlpatterns, path("broken/", broken)]
