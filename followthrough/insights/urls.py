from django.urls import path

from followthrough.insights.views import dashboard, reports

W = "w/<slug:slug>/"

urlpatterns = [
    # A rep's progress: pace, activity, conversion, confidence
    path(W + "progress/<int:member_id>/", reports.rep_progress, name="rep_progress"),
    # The team dashboard
    path(W + "dashboard/", dashboard.team, name="team_dashboard"),
    path(W + "dashboard/weekly.csv", dashboard.weekly_csv, name="dashboard_csv"),
]
