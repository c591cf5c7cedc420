"""Error pages in the app's own layout: a refusal is a clear page, never a stack trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.translation import gettext as _


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, _("Bad request"), _("The request could not be understood."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else _("You may not see this page.")
    return error_page(request, 403, _("Not allowed"), message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, 404, _("Not found"), _("There is nothing here, or it is not yours to see.")
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: whatever broke may be in it.
    title = escape(_("Something went wrong"))
    message = escape(_("The error was logged. Please try again in a moment."))
    return HttpResponse(
        f"<!doctype html><title>{title}</title><h1>{title}</h1><p>{message}</p>", status=500
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        _("Form expired"),
        _("This form was open too long or came from another site. Go back, reload and try again."),
    )
