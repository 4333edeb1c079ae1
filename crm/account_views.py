"""Django's account views, answering bad input with 400 like every other form."""

from django.contrib.auth import views as auth_views


class BadInputStatus:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginView(BadInputStatus, auth_views.LoginView):
    redirect_authenticated_user = True


class PasswordChangeView(BadInputStatus, auth_views.PasswordChangeView):
    pass
