from django.urls import path

from followthrough.events import views

W = "w/<slug:slug>/"

urlpatterns = [
    path(W + "plans/<int:plan_id>/history/", views.plan_history, name="plan_history"),
    path(W + "people/<int:member_id>/history/", views.rep_history, name="rep_history"),
]
