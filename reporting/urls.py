from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("report/", views.board_report, name="report"),
    path("export/<slug:name>.csv", views.export_csv, name="export"),
    path("export/<slug:name>.xlsx", views.export_xlsx, name="export_xlsx"),
]
