from django.urls import path

from followthrough.clients.views import binder as views
from followthrough.clients.views import crm

W = "w/<slug:slug>/"
B = W + "binder/<str:scope>/<int:member_id>/"

urlpatterns = [
    path(W + "quotes/", views.quotes_review, name="quotes_review"),
    path(W + "quotes/<int:checkin_id>/", views.quote_decide, name="quote_decide"),
    path(B, views.binder_page, name="binder_page"),
    path(B + "pdf/", views.binder_pdf, name="binder_pdf"),
    path(B + "share/", views.binder_share, name="binder_share"),
    path(W + "binder-links/<int:share_id>/revoke/", views.binder_revoke, name="binder_revoke"),
    path(W + "clients/import/", crm.crm_import, name="crm_import"),
    # The shared link: no login, no workspace in the address.
    path("binder/<str:token>/", views.binder_shared, name="binder_shared"),
    path("binder/<str:token>/pdf/", views.binder_shared_pdf, name="binder_shared_pdf"),
]
