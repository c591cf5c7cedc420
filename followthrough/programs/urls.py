from django.urls import path

from followthrough.programs import views

W = "w/<slug:slug>/"

urlpatterns = [
    path(W + "programs/", views.programs, name="programs"),
    path(W + "programs/new/", views.program_new, name="program_new"),
    path(W + "programs/<int:program_id>/", views.program_detail, name="program_detail"),
    path(W + "programs/<int:program_id>/edit/", views.program_edit, name="program_edit"),
    path(W + "programs/<int:program_id>/cohorts/new/", views.cohort_new, name="cohort_new"),
    path(W + "cohorts/<int:cohort_id>/", views.cohort_detail, name="cohort_detail"),
    path(W + "cohorts/<int:cohort_id>/enroll/", views.cohort_enroll, name="cohort_enroll"),
    path(
        W + "enrollments/<int:enrollment_id>/leave/",
        views.enrollment_leave,
        name="enrollment_leave",
    ),
    path(
        W + "program-sessions/<int:session_id>/",
        views.program_session_detail,
        name="program_session_detail",
    ),
    path(
        W + "program-sessions/<int:session_id>/move/",
        views.program_session_move,
        name="program_session_move",
    ),
    path(
        W + "program-sessions/<int:session_id>/cancel/",
        views.program_session_cancel,
        name="program_session_cancel",
    ),
    path(
        W + "program-sessions/<int:session_id>/held/",
        views.program_session_held,
        name="program_session_held",
    ),
]
