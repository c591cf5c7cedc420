"""/api/v1/: the NinjaAPI, its conventions (api/conventions.py) and a router per area."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger

from followthrough.api.conventions import TokenAuth, install_error_handlers
from followthrough.api.routers import (
    clients,
    coaching,
    digests,
    events,
    followups,
    metrics,
    people,
    pipeline,
    programs,
    rubrics,
)

# Every operation may answer these, each as a problem document (api/conventions.py).
ERRORS = {
    "400": "Bad request: a body that is not JSON, a cursor that is not ours.",
    "401": "No token, or a wrong, expired or revoked one.",
    "403": "The token's owner may not do this, or the token may only read.",
    "404": "No such object in the token's workspace.",
    "409": "A rule of the app refuses it (the message says which; `errors` names the field).",
    "413": "The body is too large.",
    "422": "Invalid fields (listed in `errors`), or an Idempotency-Key reused with another body.",
    "429": "Too many requests with this token: wait for Retry-After seconds.",
}
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "required": ["type", "title", "status"],
}


class FollowthroughAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Ninja's document, with the problem+json answers every operation may give."""
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
        problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for methods in schema["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERRORS.items():
                    responses.setdefault(status, {"description": description, "content": problem})
        return schema


api = FollowthroughAPI(
    title="Followthrough API",
    version="1",
    description=(
        "Everything a page can do, for scripts. Authenticate with a personal token made on "
        "your profile page: `Authorization: Bearer ft_…`. Lists are paged with an opaque "
        "`cursor` (follow `next`); errors are `application/problem+json` (RFC 9457); POSTs "
        "honour `Idempotency-Key` for 24 hours; reads send an `ETag`."
    ),
    urls_namespace="api",
    auth=TokenAuth(),
    # The docs page is served from our own static files (ninja's swagger-ui), with no inline
    # script: its settings travel in a JSON data block, which the CSP does not run.
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_url="/docs",
)
install_error_handlers(api)

api.add_router("/", people.router)
api.add_router("/", coaching.router)
api.add_router("/", followups.router)
api.add_router("/", metrics.router)
api.add_router("/", pipeline.router)
api.add_router("/", clients.router)
api.add_router("/", programs.router)
api.add_router("/", rubrics.router)
api.add_router("/", digests.router)
api.add_router("/", events.router)
