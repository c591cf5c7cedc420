from django.urls import path

from followthrough.core import views

urlpatterns = [
    path("healthz", views.health, name="health"),
]
