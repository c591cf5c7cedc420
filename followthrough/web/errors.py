"""Error pages in the app's own layout: a refusal is a clear page, never a stack trace."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "error.html", {"title": title, "message": message}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else "You may not see this page."
    return error_page(request, 403, "Not allowed", message)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(
        request, 404, "Not found", "There is nothing here, or it is not yours to see."
    )


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without the request context: whatever broke may be in it.
    return HttpResponse(
        "<!doctype html><title>Something went wrong</title>"
        "<h1>Something went wrong</h1><p>The error was logged. Please try again in a moment.</p>",
        status=500,
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return error_page(
        request,
        403,
        "Form expired",
        "This form was open too long or came from another site. Go back, reload and try again.",
    )
