"""Django's account views, answering bad input with 400 like every other form."""

from typing import cast

from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpResponse
from django.views.generic.edit import FormMixin


class BadInputStatus(FormMixin):
    # FormMixin, which defines form_invalid, is in every using view's MRO
    # after this class anyway: naming it as the base changes no lookup.
    def form_invalid(self, form: forms.BaseForm) -> HttpResponse:
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LoginForm(AuthenticationForm):
    """Django puts the username's length limit on the input only, so a longer
    name reached authenticate() and django-axes' 255-character column: on
    PostgreSQL, a server error. Refused here, like any other bad input."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = cast(forms.CharField, self.fields["username"])  # a UsernameField
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginView(BadInputStatus, auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True
    template_name = "accounts/login.html"


class PasswordChangeView(BadInputStatus, auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
