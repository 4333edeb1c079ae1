"""The release rule, as written in docs/privacy.md: one text, shown to staff
from the results pages and read on GitHub, so the two cannot drift apart."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe
from markdown_it import MarkdownIt

RULE = Path(settings.BASE_DIR) / "docs" / "privacy.md"


@cache
def rule_html() -> str:
    # CommonMark with tables, raw HTML off: the file is ours, but nothing in
    # it should be able to put markup on a staff page.
    return MarkdownIt("commonmark", {"html": False}).enable("table").render(RULE.read_text(encoding="utf-8"))


@require_safe
def privacy_rule(request: HttpRequest) -> HttpResponse:
    """For every signed-in member of staff (LoginRequiredMiddleware)."""
    return render(request, "surveys/privacy_rule.html", {"rule": mark_safe(rule_html())})  # noqa: S308 - html off above
