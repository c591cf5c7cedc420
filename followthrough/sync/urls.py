from django.urls import path

from followthrough.sync import views

W = "w/<slug:slug>/"

urlpatterns = [
    # The private thread between a rep's coaches and managers
    path(W + "reps/<int:member_id>/thread/", views.thread, name="thread"),
    path(W + "reps/<int:member_id>/reviews/new/", views.review_new, name="review_new"),
    # A review: its brief, the manager's note after it, moving and cancelling it
    path(W + "reviews/<int:review_id>/", views.review_brief, name="review_brief"),
    path(W + "reviews/<int:review_id>/note/", views.review_note, name="review_note"),
    path(W + "reviews/<int:review_id>/move/", views.review_move, name="review_move"),
    path(W + "reviews/<int:review_id>/cancel/", views.review_cancel, name="review_cancel"),
]
