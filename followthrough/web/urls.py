from django.urls import path

from followthrough.web import home

urlpatterns = [
    path("w/<slug:slug>/", home.workspace_home, name="workspace_home"),
]
