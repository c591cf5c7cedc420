from django.urls import path

from followthrough.coaching import views

W = "w/<slug:slug>/"

urlpatterns = [
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path(W + "plans/", views.plans, name="plans"),
    path(W + "plans/new/", views.plan_new, name="plan_new"),
    path(W + "plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path(W + "plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path(W + "plans/<int:plan_id>/sessions/new/", views.session_new, name="session_new"),
    path(W + "sessions/<int:session_id>/", views.session_detail, name="session_detail"),
    path(W + "sessions/<int:session_id>/notes/", views.session_notes, name="session_notes"),
    path(W + "sessions/<int:session_id>/commitments/", views.commitment_add, name="commitment_add"),
    path(W + "sessions/<int:session_id>/finish/", views.session_finish, name="session_finish"),
    path(W + "sessions/<int:session_id>/move/", views.session_move, name="session_move"),
    path(W + "sessions/<int:session_id>/cancel/", views.session_cancel, name="session_cancel"),
    path(W + "commitments/<int:commitment_id>/", views.commitment_detail, name="commitment_detail"),
    path(
        W + "commitments/<int:commitment_id>/edit/", views.commitment_edit, name="commitment_edit"
    ),
    path(
        W + "commitments/<int:commitment_id>/drop/", views.commitment_drop, name="commitment_drop"
    ),
    path(
        W + "commitments/<int:commitment_id>/outcome/",
        views.commitment_outcome,
        name="commitment_outcome",
    ),
    path(
        W + "commitments/<int:commitment_id>/report/",
        views.commitment_report,
        name="commitment_report",
    ),
    path(
        W + "commitments/<int:commitment_id>/reply/",
        views.commitment_reply,
        name="commitment_reply",
    ),
    path(W + "plans/<int:plan_id>/share/", views.plan_share, name="plan_share"),
    path(W + "sessions/<int:session_id>/share/", views.session_share, name="session_share"),
    path(W + "answers/<int:response_id>/share/", views.response_share, name="response_share"),
    path(W + "todos/", views.todos, name="todos"),
    path(W + "todos/<int:todo_id>/tick/", views.todo_tick, name="todo_tick"),
]
