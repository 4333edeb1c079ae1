from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import sign_in

# Only the account pages staff need: no self-service password reset by email,
# which would be one more way in for someone guessing addresses.
urlpatterns = [
    path("login/", sign_in.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", sign_in.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("two-factor/", include("accounts.two_factor_urls")),
]
