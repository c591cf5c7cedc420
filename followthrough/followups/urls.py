from django.urls import path

from followthrough.followups import views

urlpatterns = [
    path(
        "hooks/anymail/<slug:provider>/tracking/",
        views.delivery_webhook,
        name="delivery_webhook",
    ),
    path("w/<slug:slug>/outbox/suppressed/", views.suppressions, name="suppressions"),
    path(
        "w/<slug:slug>/outbox/suppressed/<int:suppression_id>/lift/",
        views.suppression_lift,
        name="suppression_lift",
    ),
    path("w/<slug:slug>/outbox/", views.outbox, name="outbox"),
    path(
        "w/<slug:slug>/outbox/retry-failed/", views.outbox_retry_failed, name="outbox_retry_failed"
    ),
    path("w/<slug:slug>/outbox/<int:followup_id>/", views.followup_detail, name="followup_detail"),
    path(
        "w/<slug:slug>/outbox/<int:followup_id>/cancel/",
        views.followup_cancel,
        name="followup_cancel",
    ),
    path(
        "w/<slug:slug>/outbox/<int:followup_id>/reschedule/",
        views.followup_reschedule,
        name="followup_reschedule",
    ),
    path(
        "w/<slug:slug>/outbox/<int:followup_id>/send-now/",
        views.followup_send_now,
        name="followup_send_now",
    ),
    path(
        "w/<slug:slug>/outbox/<int:followup_id>/retry/",
        views.followup_retry,
        name="followup_retry",
    ),
]
