from django.contrib import admin
from django.urls import include, path

from followthrough.api.api import api

admin.site.site_header = "Followthrough administration"
admin.site.site_title = "Followthrough admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("followthrough.core.urls")),
    path("", include("followthrough.web.urls")),
    path("", include("followthrough.accounts.urls")),
    path("", include("followthrough.followups.urls")),
    path("", include("followthrough.coaching.urls")),
    path("", include("followthrough.metrics.urls")),
    path("", include("followthrough.pipeline.urls")),
    path("", include("followthrough.clients.urls")),
    path("", include("followthrough.insights.urls")),
    path("", include("followthrough.updates.urls")),
    path("", include("followthrough.events.urls")),
    path("", include("followthrough.sync.urls")),
    path("", include("followthrough.clients.binder_urls")),
    path("", include("followthrough.digests.urls")),
    path("", include("followthrough.programs.urls")),
    path("", include("followthrough.api.urls")),
    path("", include("followthrough.webhooks.urls")),
    path("", include("followthrough.programs.urls_adoption")),
    path("", include("followthrough.programs.urls_rubrics")),
]

handler400 = "followthrough.web.errors.bad_request"
handler403 = "followthrough.web.errors.permission_denied"
handler404 = "followthrough.web.errors.page_not_found"
handler500 = "followthrough.web.errors.server_error"
