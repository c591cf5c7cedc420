"""The API's conventions, in one place: token auth and scope, the rate limit, problem+json
errors (RFC 9457), strict input schemas, cursor pagination. ETag, the body-size limit and
Idempotency-Key are request-wide and live in api/middleware.py.

Every router under followthrough/api/routers uses these; a resource added later (programs,
cohorts) needs nothing else: an `Input` schema for what it accepts, `member_of(request)` for
the caller, the app's access_* helper and actions, and `paginate` for its list.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from http import HTTPStatus
from typing import Annotated, Any

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer
from pydantic import BeforeValidator, ConfigDict, Field, WithJsonSchema

from followthrough.accounts.models import Membership
from followthrough.api import tokens
from followthrough.api.models import ApiToken
from followthrough.lib.errors import ActionRefused, NotAllowed

log = logging.getLogger(__name__)

PROBLEM = "application/problem+json"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# How often last_used_at is written: a busy script should not write on every request.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


# Errors ---------------------------------------------------------------------------------------


def problem(
    status: int,
    detail: str = "",
    *,
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """An RFC 9457 problem document. `type` is about:blank (the status says it all), so the
    title is the status's phrase."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title or HTTPStatus(status).phrase,
        "status": status,
    }
    if detail:
        body["detail"] = detail
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type=PROBLEM)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiError(Exception):
    """An API refusal with its status, and headers such as Retry-After."""

    def __init__(
        self,
        status: int,
        detail: str,
        headers: dict[str, str] | None = None,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}
        # A refusal about one field names it, as validation errors do.
        self.errors = [{"field": field, "message": detail, "type": "invalid"}] if field else errors


def field_errors(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors as {field, message, type}; the field is the path inside the body or
    the query ("body.due_on" loses its "body" prefix: the caller knows where it sent it)."""
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path") and len(loc) > 1:
            loc = loc[1:]
        if len(loc) > 1 and loc[0] == "payload":
            loc = loc[1:]
        out.append(
            {"field": ".".join(loc), "message": error.get("msg", ""), "type": error.get("type", "")}
        )
    return out


def install_error_handlers(api: Any) -> None:
    """Every error the API answers is a problem document; never a stack trace."""

    def handler(exc_type: type[Exception]) -> Callable[..., Any]:
        return api.exception_handler(exc_type)

    @handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return problem(exc.status, exc.detail, headers=exc.headers, errors=exc.errors)

    @handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(
            401,
            "A valid token is needed: Authorization: Bearer ft_…",
            headers={"WWW-Authenticate": 'Bearer realm="followthrough"'},
        )

    @handler(ValidationError)
    def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem(422, "The request has invalid fields.", errors=field_errors(exc.errors))

    @handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(exc.status_code, str(exc.message))

    @handler(NotAllowed)
    def _not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
        return problem(403, str(exc))

    @handler(ActionRefused)
    def _refused(request: HttpRequest, exc: ActionRefused) -> HttpResponse:
        # A rule of the app (the state of the object forbids it): the same words as on pages.
        return problem(409, str(exc))

    @handler(ObjectDoesNotExist)
    def _missing(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, "No such object here.")

    @handler(Http404)
    def _http404(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(404, "No such object here.")

    @handler(Exception)
    def _crash(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.exception("API error on %s %s", request.method, request.path)
        return problem(500, "Something went wrong on our side; it has been logged.")


# Input ----------------------------------------------------------------------------------------


class Input(Schema):
    """What a caller sends: an unknown field is an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


def check_form(form: Any, names: dict[str, str] | None = None) -> dict[str, Any]:
    """Validates a body with the page's own form (one home for the app's rules: a deadline
    after the start, a metric that exists, ...). The body already passed its schema, so what
    the form refuses is a rule of the app: a 409 with per-field errors, under the API's names
    (`names` maps a form field to the body's field)."""
    if form.is_valid():
        return dict(form.cleaned_data)
    names = names or {}
    errors = [
        {"field": names.get(name, name) if name != "__all__" else "", "message": message}
        for name, messages in form.errors.items()
        for message in messages
    ]
    raise ApiError(
        409,
        "The app's rules refuse these fields.",
        errors=[{**error, "type": "invalid"} for error in errors],
    )


# An id: a positive number the databases can hold (a larger one would be a server error).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|z|[+-]\d{2}:\d{2})$"
)


def _iso(pattern: re.Pattern[str], example: str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        # Pydantic would take 0 for 1970-01-01 and a date for midnight: only ISO 8601 text.
        if not isinstance(value, str) or not pattern.match(value):
            raise ValueError(f"give an ISO 8601 value such as {example}")
        return value

    return check


# Dates as 2027-01-05; times as 2027-01-05T09:00:00+01:00, always with their offset.
IsoDate = Annotated[dt.date, BeforeValidator(_iso(ISO_DATE, "2027-01-05"))]
IsoDateTime = Annotated[
    dt.datetime, BeforeValidator(_iso(ISO_DATETIME, "2027-01-05T09:00:00+01:00"))
]


def amount(most: Decimal) -> Any:
    """A number from 0 to `most` with at most two decimals, written as a JSON number."""
    return Annotated[
        Decimal,
        BeforeValidator(_number),
        Field(ge=0, le=most, max_digits=14, decimal_places=2),
        WithJsonSchema(
            {"type": "number", "minimum": 0, "maximum": float(most), "multipleOf": 0.01}
        ),
    ]


def _number(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise ValueError("give a number")
    # 0.07 arrives as the float 0.07000000000000001: its two decimals are what was meant.
    return Decimal(str(value)) if isinstance(value, float) else value


# Tokens and the rate limit --------------------------------------------------------------------


def rate_limit(token: ApiToken, now: dt.datetime) -> None:
    """settings.API_RATE_LIMIT requests per minute and token, counted in the cache (per fixed
    minute). Over it: 429 with Retry-After (seconds to the next minute)."""
    limit = settings.API_RATE_LIMIT
    minute = int(now.timestamp()) // 60
    key = f"ft-api-rate:{token.hash[:24]}:{minute}"
    cache.add(key, 0, timeout=120)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=120)
        count = 1
    if count > limit:
        wait = 60 - int(now.timestamp()) % 60
        raise ApiError(
            429,
            f"More than {limit} requests in a minute with this token.",
            headers={"Retry-After": str(wait)},
        )


class TokenAuth(HttpBearer):
    """Authorization: Bearer ft_… → the token's membership (request.member) and the token
    (request.api_token). Wrong, expired or revoked: 401. A read token on a write: 403."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not tokens.is_well_formed(token):
            return None
        found = (
            ApiToken.objects.select_related("membership__workspace", "membership__user__profile")
            .filter(hash=tokens.hash_of(token))
            .first()
        )
        now = timezone.now()
        if found is None or not found.is_usable(now):
            return None
        member = found.membership
        if not (member.is_active and member.user.is_active):
            return None
        rate_limit(found, now)
        check_query(request)
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ApiError(403, "This token may only read.")
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.member = member  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        return found


@functools.cache
def query_names() -> dict[tuple[str, str], frozenset[str]]:
    """(method, OpenAPI path) -> the query parameters the operation takes."""
    return {key: frozenset(params) for key, params in _query_params().items()}


@functools.cache
def _query_params() -> dict[tuple[str, str], dict[str, bool]]:
    """(method, OpenAPI path) -> {query parameter: whether it is a list (may be repeated)}."""
    from followthrough.api.api import api

    found = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            params = operation.get("parameters", [])
            found[method.upper(), path] = {
                p["name"]: p.get("schema", {}).get("type") == "array"
                for p in params
                if p.get("in") == "query"
            }
    return found


def check_query(request: HttpRequest) -> None:
    """An unknown query parameter is an error, as an unknown field of a body is (ninja would
    drop it silently: a misspelt filter would list everything)."""
    match = request.resolver_match
    if match is None:
        return
    path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", match.route)
    allowed = query_names().get(((request.method or "GET").upper(), path))
    unknown = sorted(set(request.GET) - allowed) if allowed is not None else []
    # A filter given twice (?q=a&q=b) is ambiguous: ninja would keep one silently.
    lists = _query_params().get(((request.method or "GET").upper(), path), {})
    twice = sorted(
        name for name in request.GET if len(request.GET.getlist(name)) > 1 and not lists.get(name)
    )
    if twice:
        raise ApiError(
            422,
            "A query parameter given more than once.",
            errors=[
                {"field": name, "message": "give this parameter once", "type": "repeated"}
                for name in twice
            ],
        )
    if unknown:
        raise ApiError(
            422,
            "Unknown query parameters.",
            errors=[
                {
                    "field": name,
                    "message": "not a parameter of this operation",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ],
        )


def member_of(request: HttpRequest) -> Membership:
    """The caller: the token's owner in the token's workspace."""
    return request.member  # type: ignore[attr-defined]


# Cursor pagination ----------------------------------------------------------------------------

CURSOR_SALT = "followthrough.api.cursor"
MAX_LIMIT = 100
DEFAULT_LIMIT = 50


class Page[T](Schema):
    """One page of a list, newest first; `next` is the address of the following page (also
    sent as a Link header), null on the last."""

    items: list[T]
    next: str | None


def paginate[M: Model](
    request: HttpRequest,
    rows: QuerySet[M],
    *,
    limit: int,
    cursor: str | None,
) -> tuple[list[M], str | None]:
    """Keyset pagination on the id, newest first. The cursor is signed (django.core.signing),
    so it cannot be forged or edited: a tampered one is a 400."""
    if cursor:
        try:
            before = signing.loads(cursor, salt=CURSOR_SALT)["before"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ApiError(
                400, "This cursor is not one we gave; start from the first page."
            ) from None
        rows = rows.filter(pk__lt=int(before))
    items = list(rows.order_by("-pk")[: limit + 1])
    if len(items) <= limit:
        return items, None
    items = items[:limit]
    query = request.GET.copy()
    query["cursor"] = signing.dumps({"before": items[-1].pk}, salt=CURSOR_SALT, compress=True)
    link = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
    # For the middleware's Link header.
    request.api_next_link = link  # type: ignore[attr-defined]
    return items, link
