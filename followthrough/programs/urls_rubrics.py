from django.urls import path

from followthrough.programs.rubrics import views

W = "w/<slug:slug>/"

urlpatterns = [
    # Rubrics: the list, the grid, writing, changing and copying one, the default one
    path(W + "rubrics/", views.rubric_list, name="rubric_list"),
    path(W + "rubrics/new/", views.rubric_new, name="rubric_new"),
    path(W + "rubrics/default/", views.rubric_default, name="rubric_default"),
    path(W + "rubrics/<int:rubric_id>/", views.rubric_detail, name="rubric_detail"),
    path(W + "rubrics/<int:rubric_id>/edit/", views.rubric_edit, name="rubric_edit"),
    path(W + "rubrics/<int:rubric_id>/copy/", views.rubric_copy, name="rubric_copy"),
    # Role-plays of a cohort, each scored by the facilitator, peers and the manager
    path(
        W + "cohorts/<int:cohort_id>/role-plays/", views.cohort_role_plays, name="cohort_role_plays"
    ),
    path(W + "cohorts/<int:cohort_id>/role-plays/new/", views.role_play_new, name="role_play_new"),
    path(W + "role-plays/<int:role_play_id>/", views.role_play_detail, name="role_play_detail"),
    path(W + "role-plays/<int:role_play_id>/score/", views.role_play_score, name="role_play_score"),
]
