"""Django's account views, answering bad input with 400 like every other form."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class BadInputStatus:
    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginForm(AuthenticationForm):
    """Django puts the username's length limit on the input only, so a longer
    name reached authenticate() and django-axes' 255-character column: on
    PostgreSQL, a server error. Refused here, like any other bad input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginView(BadInputStatus, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True
    template_name = "accounts/login.html"


class PasswordChangeView(BadInputStatus, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
