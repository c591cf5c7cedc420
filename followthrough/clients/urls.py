from django.urls import path

from followthrough.clients.views import contacts, survey

W = "w/<slug:slug>/"

urlpatterns = [
    # The client's pages: signed links, no login.
    path("client/answer/<str:token>/", survey.answer, name="client_answer"),
    path("client/answer/<str:token>/consent/", survey.consent, name="client_consent"),
    path("client/consent/<str:token>/withdraw/", survey.withdraw, name="client_withdraw"),
    path("client/unsubscribe/<str:token>/", survey.unsubscribe, name="client_unsubscribe"),
    # The members' pages.
    path(W + "clients/", contacts.contact_list, name="contact_list"),
    path(W + "clients/settings/", contacts.client_settings, name="client_settings"),
    path(W + "clients/new/", contacts.contact_new, name="contact_new"),
    path(W + "clients/<int:contact_id>/", contacts.contact_detail, name="contact_detail"),
    path(
        W + "opportunities/<int:opportunity_id>/clients/",
        contacts.deal_contact_add,
        name="deal_contact_add",
    ),
    path(
        W + "opportunities/<int:opportunity_id>/clients/<int:contact_id>/remove/",
        contacts.deal_contact_remove,
        name="deal_contact_remove",
    ),
    path(
        W + "client-checkins/<int:checkin_id>/called-back/",
        contacts.called_back,
        name="client_called_back",
    ),
]
