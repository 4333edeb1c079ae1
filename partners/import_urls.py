"""Spreadsheet import pages, in a namespace of their own beside partners/urls.py."""

from django.urls import path

from .views import imports

app_name = "partner_imports"
urlpatterns = [
    path("", imports.import_upload, name="upload"),
    path("confirm/", imports.import_confirm, name="confirm"),
    path("undo/", imports.import_undo, name="undo"),
]
