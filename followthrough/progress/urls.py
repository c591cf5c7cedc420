from django.urls import path

from followthrough.progress import views

urlpatterns = [
    path("w/<slug:slug>/log/", views.day_log, name="day_log"),
]
