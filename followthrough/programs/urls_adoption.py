from django.urls import path

from followthrough.programs import views_adoption as views

W = "w/<slug:slug>/"

urlpatterns = [
    # A cohort's adoption: a row per manager, the formulas, the weekly email
    path(W + "cohorts/<int:cohort_id>/adoption/", views.cohort_adoption, name="cohort_adoption"),
    path(
        W + "cohorts/<int:cohort_id>/adoption/email/",
        views.adoption_subscription,
        name="adoption_subscription",
    ),
    # The link in the email's List-Unsubscribe header and footer: GET confirms, POST stops
    path(
        "adoption/unsubscribe/<str:token>/",
        views.adoption_unsubscribe,
        name="adoption_unsubscribe",
    ),
]
