from django.urls import path

from followthrough.metrics.views import imports, log, metrics

W = "w/<slug:slug>/"

urlpatterns = [
    path(W + "log/", log.day_log, name="day_log"),
    path(W + "confidence/", log.confidence, name="confidence"),
    # Metrics and CSV import
    path(W + "metrics/", metrics.metrics, name="metrics"),
    path(W + "metrics/<int:metric_id>/", metrics.metric_edit, name="metric_edit"),
    path(W + "import/", imports.import_new, name="import_new"),
    path(W + "import/<int:run_id>/", imports.import_detail, name="import_detail"),
    path(W + "import/<int:run_id>/step/", imports.import_step, name="import_step"),
    path(W + "import/<int:run_id>/confirm/", imports.import_confirm, name="import_confirm"),
    path(W + "import/<int:run_id>/discard/", imports.import_discard, name="import_discard"),
]
