from django.urls import path

from followthrough.digests import views

W = "w/<slug:slug>/"

urlpatterns = [
    # The link in a digest's List-Unsubscribe header and footer: GET confirms, POST stops
    path("digest/unsubscribe/<str:token>/", views.unsubscribe, name="digest_unsubscribe"),
    path(W + "digests/", views.previews, name="digest_previews"),
    path(W + "digests/preferences/", views.preferences, name="digest_preferences"),
    path(W + "digests/<int:subscription_id>/preview/", views.preview, name="digest_preview"),
]
