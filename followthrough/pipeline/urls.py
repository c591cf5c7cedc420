from django.urls import path

from followthrough.pipeline import views as pipeline

W = "w/<slug:slug>/"

urlpatterns = [
    # The pipeline
    path(W + "pipeline/", pipeline.board, name="pipeline_board"),
    path(W + "pipeline/list/", pipeline.listing, name="pipeline_list"),
    path(W + "pipeline/new/", pipeline.opportunity_new, name="opportunity_new"),
    path(W + "opportunities/<int:opportunity_id>/", pipeline.detail, name="opportunity_detail"),
    path(W + "opportunities/<int:opportunity_id>/stage/", pipeline.move, name="opportunity_stage"),
]
