from django.urls import path

from followthrough.webhooks import views

PREFIX = "w/<slug:slug>/webhooks/"
ONE = PREFIX + "<int:endpoint_id>/"

urlpatterns = [
    path(PREFIX, views.webhooks, name="webhooks"),
    path(PREFIX + "add/", views.webhook_add, name="webhook_add"),
    path(ONE, views.webhook_detail, name="webhook_detail"),
    path(ONE + "edit/", views.webhook_edit, name="webhook_edit"),
    path(ONE + "disable/", views.webhook_disable, name="webhook_disable"),
    path(ONE + "enable/", views.webhook_enable, name="webhook_enable"),
    path(ONE + "delete/", views.webhook_delete, name="webhook_delete"),
    path(ONE + "rotate/", views.webhook_rotate, name="webhook_rotate"),
    path(ONE + "test/", views.webhook_test, name="webhook_test"),
    path(
        ONE + "messages/<int:message_id>/redeliver/",
        views.webhook_redeliver,
        name="webhook_redeliver",
    ),
]
