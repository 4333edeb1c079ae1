"""Helpers shared by the public (respondent) pages."""

from django.conf import settings

SUPPORTED = {code for code, _ in settings.LANGUAGES}


def pick_language(request, default: str) -> str:
    """A language switch button, then the language the page was in, then the
    link's ?lang=, then the invitation's language."""
    for value in (
        request.POST.get("switch_language"),
        request.POST.get("language"),
        request.GET.get("lang"),
        default,
    ):
        if value in SUPPORTED:
            return value
    return settings.LANGUAGE_CODE


def other_language(language: str) -> tuple[str, str]:
    return ("es", "Español") if language != "es" else ("en", "English")
