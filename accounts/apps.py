from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Signing in: the login and password pages, and two-factor login
    (authenticator codes, recovery codes, the policy that requires it)."""

    name = "accounts"
    verbose_name = "Sign-in and two-factor login"

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
