"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def team(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")


def weekly_csv(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")
