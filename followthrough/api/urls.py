from django.urls import path

from followthrough.api import views

urlpatterns = [
    path("profile/tokens/", views.tokens, name="api_tokens"),
    path("profile/tokens/<int:token_id>/revoke/", views.token_revoke, name="api_token_revoke"),
]
