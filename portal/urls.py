from django.urls import path

from .views import data, record, sign_in, staff, support

app_name = "portal"
urlpatterns = [
    # Partners: signing in.
    path("portal/sign-in/", sign_in.sign_in, name="sign_in"),
    path("portal/link/<str:token>/", sign_in.link, name="link"),
    path("portal/sign-out/", sign_in.sign_out, name="sign_out"),
    path("portal/signed-out/", sign_in.signed_out, name="signed_out"),
    path("portal/language/", sign_in.language, name="language"),
    # Partners: their record, their requests, their data.
    path("portal/", record.home, name="home"),
    path("portal/contacts/new/", record.contact_add, name="contact_add"),
    path("portal/contacts/<int:pk>/", record.contact_edit, name="contact_edit"),
    path("portal/contacts/<int:pk>/remove/", record.contact_remove, name="contact_remove"),
    path("portal/contacts/<int:pk>/stop-surveys/", record.surveys_stop, name="surveys_stop"),
    path("portal/preferences/", record.preferences, name="preferences"),
    path("portal/ask/", support.ask, name="ask"),
    path("portal/requests/<int:pk>/", support.request_detail, name="request_detail"),
    path("portal/deliveries/<int:pk>/", support.delivery_confirm, name="delivery_confirm"),
    path("portal/our-record.json", data.export_json, name="export_json"),
    path("portal/our-record.csv", data.export_csv, name="export_csv"),
    path("portal/delete/", data.deletion, name="deletion"),
    # Staff, from a partner's page.
    path("partners/contacts/<int:pk>/portal/invite/", staff.invite, name="invite"),
    path("partners/portal/<int:pk>/revoke/", staff.revoke, name="revoke"),
    path("partners/<int:pk>/delete-at-their-request/", staff.delete_record, name="delete_record"),
]
