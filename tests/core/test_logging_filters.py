import logging

from core.logging_filters import redact

TOKEN = "Gd3d1bkZul4Ev9ycr72LCujJVPIC8rflbAJItL3quP8"


def test_survey_tokens_are_redacted_from_paths():
    assert redact(f"Not Found: /s/{TOKEN}/") == "Not Found: /s/[token]/"
    assert redact(f'"POST /s/{TOKEN}/opt-out/ HTTP/1.1" 404') == '"POST /s/[token]/opt-out/ HTTP/1.1" 404'
    assert redact(f"/s/shared/{TOKEN}/") == "/s/shared/[token]/"
    assert redact("/s/thanks/?lang=es") == "/s/thanks/?lang=es"


def test_every_django_log_line_passes_through_the_filter(settings):
    config = settings.LOGGING
    assert "redact_tokens" in config["handlers"]["console"]["filters"]
    for name in ("django", "django.server"):
        assert config["loggers"][name]["handlers"] == ["console"]
        assert config["loggers"][name]["propagate"] is False
    assert config["root"]["handlers"] == ["console"]


def test_the_filter_rewrites_messages_and_arguments():
    from core.logging_filters import RedactSurveyTokens

    record = logging.LogRecord(
        "django.server", logging.INFO, "", 0, '"%s" %s', (f"GET /s/{TOKEN}/ HTTP/1.1", 200), None
    )
    RedactSurveyTokens().filter(record)
    assert TOKEN not in record.getMessage()
    assert "/s/[token]/" in record.getMessage()
