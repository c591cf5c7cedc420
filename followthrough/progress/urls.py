from django.urls import path

from followthrough.progress.views import dashboard, imports, log, metrics, pipeline, reports

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
    # The pipeline
    path(W + "pipeline/", pipeline.board, name="pipeline_board"),
    path(W + "pipeline/list/", pipeline.listing, name="pipeline_list"),
    path(W + "pipeline/new/", pipeline.opportunity_new, name="opportunity_new"),
    path(W + "opportunities/<int:opportunity_id>/", pipeline.detail, name="opportunity_detail"),
    path(W + "opportunities/<int:opportunity_id>/stage/", pipeline.move, name="opportunity_stage"),
    # A rep's progress: pace, activity, conversion, confidence
    path(W + "progress/<int:member_id>/", reports.rep_progress, name="rep_progress"),
    # The team dashboard
    path(W + "dashboard/", dashboard.team, name="team_dashboard"),
    path(W + "dashboard/weekly.csv", dashboard.weekly_csv, name="dashboard_csv"),
]
