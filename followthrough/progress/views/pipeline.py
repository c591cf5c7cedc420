"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def board(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")


def listing(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")


def opportunity_new(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")


def detail(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")


def move(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")
