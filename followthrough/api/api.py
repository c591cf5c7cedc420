"""/api/v1/: the NinjaAPI, its conventions (api/conventions.py) and a router per area."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from followthrough.api.conventions import TokenAuth, install_error_handlers
from followthrough.api.routers import coaching, events, followups, metrics, people

api = NinjaAPI(
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
api.add_router("/", events.router)
