from django.urls import path

from followthrough.coaching.views import (
    checkin,
    commitments,
    home,
    plans,
    sessions,
    sharing,
    todos,
)

W = "w/<slug:slug>/"

urlpatterns = [
    path("checkin/<str:token>/", checkin.checkin, name="checkin"),
    path(W + "plans/", plans.plans, name="plans"),
    path(W + "my-coaching/", home.my_coaching, name="my_coaching"),
    path(W + "plans/new/", plans.plan_new, name="plan_new"),
    path(W + "plans/<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path(W + "plans/<int:plan_id>/edit/", plans.plan_edit, name="plan_edit"),
    path(W + "plans/<int:plan_id>/sessions/new/", sessions.session_new, name="session_new"),
    path(W + "sessions/<int:session_id>/", sessions.session_detail, name="session_detail"),
    path(W + "sessions/<int:session_id>/notes/", sessions.session_notes, name="session_notes"),
    path(
        W + "sessions/<int:session_id>/commitments/", sessions.commitment_add, name="commitment_add"
    ),
    path(W + "sessions/<int:session_id>/finish/", sessions.session_finish, name="session_finish"),
    path(W + "sessions/<int:session_id>/move/", sessions.session_move, name="session_move"),
    path(W + "sessions/<int:session_id>/cancel/", sessions.session_cancel, name="session_cancel"),
    path(
        W + "commitments/<int:commitment_id>/",
        commitments.commitment_detail,
        name="commitment_detail",
    ),
    path(
        W + "commitments/<int:commitment_id>/edit/",
        commitments.commitment_edit,
        name="commitment_edit",
    ),
    path(
        W + "commitments/<int:commitment_id>/drop/",
        commitments.commitment_drop,
        name="commitment_drop",
    ),
    path(
        W + "commitments/<int:commitment_id>/outcome/",
        commitments.commitment_outcome,
        name="commitment_outcome",
    ),
    path(
        W + "commitments/<int:commitment_id>/report/",
        commitments.commitment_report,
        name="commitment_report",
    ),
    path(
        W + "commitments/<int:commitment_id>/reply/",
        sharing.commitment_reply,
        name="commitment_reply",
    ),
    path(W + "plans/<int:plan_id>/share/", sharing.plan_share, name="plan_share"),
    path(W + "sessions/<int:session_id>/share/", sharing.session_share, name="session_share"),
    path(W + "answers/<int:response_id>/share/", sharing.response_share, name="response_share"),
    path(W + "todos/", todos.todos, name="todos"),
    path(W + "todos/<int:todo_id>/tick/", todos.todo_tick, name="todo_tick"),
]
