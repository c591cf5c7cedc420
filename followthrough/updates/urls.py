from django.urls import path

from followthrough.updates import views

W = "w/<slug:slug>/"

urlpatterns = [
    path("update/<str:token>/", views.weekly_update_link, name="weekly_update_link"),
    path(W + "my-update/", views.weekly_update, name="weekly_update"),
    path(W + "my-update/ask-time/", views.ask_time, name="weekly_update_ask_time"),
]
