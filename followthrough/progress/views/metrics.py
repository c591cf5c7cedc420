"""Placeholder: being written."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse


def metrics(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")


def metric_edit(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404("not yet")
