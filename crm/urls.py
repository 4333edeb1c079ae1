"""The project's URLs: each app's pages under its own prefix."""

from django.contrib import admin
from django.urls import include, path

from partners.views.home import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("partners/import/", include("partners.import_urls")),
    path("partners/", include("partners.urls")),
    path("files/", include("attachments.urls")),
    path("dashboard/", include("reporting.urls")),
    path("search/", include("search.urls")),
    path("", include("surveys.urls")),
    path("", include("portal.urls")),
    path("admin/", admin.site.urls),
]
