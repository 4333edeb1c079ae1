from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import account_views, views

# Only the account pages staff need: no self-service password reset by email,
# which would be one more way in for someone guessing addresses.
account_urls = [
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("two-factor/", include("crm.two_factor.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/", include(account_urls)),
    path("partners/", include("partners.urls")),
    path("dashboard/", include("crm.dashboard.urls")),
    path("", include("surveys.urls")),
    path("admin/", admin.site.urls),
]
