"""Request-wide API conventions: the body-size limit (413), Idempotency-Key on POST, ETag and
If-None-Match on reads, the Link header of a list, and problem+json for every error under
/api/ (Django's own 404 and 405 included)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers, set_response_etag

from followthrough.api import tokens
from followthrough.api.conventions import PROBLEM, problem
from followthrough.api.models import ApiToken, IdempotentRequest

API_PREFIX = "/api/"


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        too_big = self.check_size(request)
        if too_big is not None:
            return too_big
        key = request.headers.get("Idempotency-Key")
        if request.method == "POST" and key:
            response = idempotent(request, key, self.get_response)
        else:
            response = self.get_response(request)
        return self.finish(request, response)

    def check_size(self, request: HttpRequest) -> HttpResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem(400, "Content-Length is not a number.")
        if length > settings.API_MAX_BODY_BYTES:
            return problem(413, f"The body may be at most {settings.API_MAX_BODY_BYTES} bytes.")
        return None

    def finish(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code >= 400 and response.get("Content-Type", "") != PROBLEM:
            # Django's own answers (no such address, method not allowed, a crash in a
            # middleware): the same shape as ours.
            headers = {"Allow": response["Allow"]} if response.has_header("Allow") else None
            response = problem(response.status_code, headers=headers)
        link = getattr(request, "api_next_link", None)
        if link:
            response["Link"] = f'<{link}>; rel="next"'
        patch_vary_headers(response, ["Authorization"])
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            response["Cache-Control"] = "private, no-cache"
            if not response.streaming:
                set_response_etag(response)
                response = (
                    get_conditional_response(request, etag=response["ETag"], response=response)
                    or response
                )
        return response


def body_hash(request: HttpRequest) -> str:
    return hashlib.sha256(request.body).hexdigest()


def idempotent(
    request: HttpRequest, key: str, get_response: Callable[[HttpRequest], HttpResponse]
) -> HttpResponse:
    """The first answer to a POST with this key (for this token, within the window) is kept;
    the same key again with the same method, path and body gets it replayed, with another body
    a 422. A key still running gets a 409. Without a valid token, nothing is kept."""
    bearer = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    token = (
        ApiToken.objects.filter(hash=tokens.hash_of(bearer)).first()
        if tokens.is_well_formed(bearer)
        else None
    )
    if token is None or len(key) > 255:
        if token is not None:
            return problem(400, "An Idempotency-Key is at most 255 characters.")
        return get_response(request)
    since = timezone.now() - settings.API_IDEMPOTENCY_WINDOW
    fingerprint = (request.method or "", request.path, body_hash(request))
    IdempotentRequest.objects.filter(token=token, created_at__lt=since).delete()
    try:
        with transaction.atomic():
            row = IdempotentRequest.objects.create(
                token=token,
                key=key,
                method=fingerprint[0],
                path=fingerprint[1],
                body_hash=fingerprint[2],
            )
    except IntegrityError:
        kept = IdempotentRequest.objects.get(token=token, key=key)
        if (kept.method, kept.path, kept.body_hash) != fingerprint:
            return problem(
                422, "This Idempotency-Key was used with another request; use a new key."
            )
        if kept.status is None:
            return problem(409, "A request with this Idempotency-Key is still running.")
        return replay(kept)
    response = get_response(request)
    if response.status_code >= 500 or response.status_code in (401, 429) or response.streaming:
        row.delete()  # not an answer worth replaying: the caller may try again with the key
        return response
    row.status = response.status_code
    row.content_type = response.get("Content-Type", "")
    row.body = response.content
    row.location = response.get("Location", "")
    row.save(update_fields=["status", "content_type", "body", "location"])
    return response


def replay(kept: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(bytes(kept.body), status=kept.status or HTTPStatus.OK)
    response["Content-Type"] = kept.content_type
    if kept.location:
        response["Location"] = kept.location
    response["Idempotent-Replayed"] = "true"
    return response
