from django.urls import path

from . import views

app_name = "attachments"
urlpatterns = [
    path("partners/<int:pk>/new/", views.upload, {"parent": "partner"}, name="upload_partner"),
    path("interactions/<int:pk>/new/", views.upload, {"parent": "interaction"}, name="upload_interaction"),
    path("deliveries/<int:pk>/new/", views.upload, {"parent": "delivery"}, name="upload_delivery"),
    path("<int:pk>/", views.download, name="download"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
