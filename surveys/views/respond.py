"""The respondent's pages: no account, no JavaScript needed, nothing loaded
from another site, English and Spanish. A GET never uses a link up (mail
scanners open links); only a POST with a valid CSRF token records answers."""

import logging
import re
from functools import partial, wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from ..forms.answers import AnswerForm, initial_from_post
from ..models import Invitation, InvitationToken, Round
from ..services.answering import LinkAlreadyUsed, build_answers, record_response
from ..services.spent_links import is_spent
from ..tokens import hash_token
from .kept_page import PageParts, blank_page, page_parts
from .limits import PER_LINK, over_limit
from .public import other_language, pick_language

log = logging.getLogger(__name__)


def public_view(*, link_budget: str | None):
    """Every public page: no login, never cached, rate-limited per client
    and, for a link's pages, per link by `link_budget` (limits.py). A page
    over its limit answers a friendly 429."""
    return partial(_public_view, link_budget=link_budget)


def _public_view(view, *, link_budget: str | None):
    @wraps(view)
    def limited_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if over_limit(request, link_budget):
            response = answers_kept(request, busy=True) if request.method == "POST" else rate_limited(request)
        else:
            try:
                response = view(request, *args, **kwargs)
            except DatabaseError:
                if request.method != "POST":
                    raise
                log.warning("Answers could not be saved (database error); shown back to the person")
                response = answers_kept(request, busy=False)
        # Django logs every 4xx with its path, and the path holds the private
        # token: a form error would put a live link in the logs. The status
        # alone is logged instead.
        if response.status_code >= 400:
            log.info("Public survey page answered %s", response.status_code)
            # Django's own flag (django.utils.log.log_response), not in django-stubs.
            response._has_been_logged = True  # type: ignore[attr-defined]
        return response

    return login_not_required(never_cache(limited_view))


# The answer fields of the survey form (surveys/forms/answers.py), and the
# language the page was in.
_ANSWER_FIELD = re.compile(r"q\d{1,10}|language")


def answers_kept(request: HttpRequest, *, busy: bool) -> HttpResponse:
    """A POST that could not be taken (rate-limited, or the database away):
    the person's answers, as they sent them, in a form that sends them again
    with one press. Built from the POST alone, with no look at the link, so
    it tells nothing about the link (a rate-limited client learns nothing
    more) and works with the database down."""
    kept = [(name, value) for name, values in request.POST.lists() if _ANSWER_FIELD.fullmatch(name) for value in values]
    language = pick_language(request, "en")
    with translation.override(language):
        context = {"language": language, "kept": kept, "busy": busy}
        return render(request, "surveys/respond/answers_kept.html", context, status=429 if busy else 503)


def rate_limited(request: HttpRequest) -> HttpResponse:
    language = pick_language(request, "en")
    with translation.override(language):
        return render(request, "surveys/respond/rate_limited.html", {"language": language}, status=429)


def _find_invitation(token: str) -> Invitation | None:
    """The link's invitation with its round and survey, in one query. Not
    .first(): the hash is unique, and its ORDER BY cost more to build than
    the query takes to run. (Naming only the columns the page reads, with
    .only(), made the query slower to build than the columns it saved.)"""
    links = InvitationToken.objects.select_related("invitation__round__survey")
    try:
        return links.get(token_hash=hash_token(token)).invitation
    except InvitationToken.DoesNotExist:
        return None


def link_not_working(request: HttpRequest) -> HttpResponse:
    """The same page, status and language for an unknown, used or expired
    link: nobody learns whether a link ever existed, or whose it was. The
    language comes from the request alone (the email's link carries it)."""
    language = pick_language(request, settings.LANGUAGE_CODE)
    with translation.override(language):
        return render(request, "surveys/respond/link_not_working.html", {"language": language}, status=404)


def _survey_page(
    request,
    survey_round: Round,
    language: str,
    *,
    invitation=None,
    card=None,
    preview=False,
    thanks_url: str = "",
    hidden: tuple[tuple[str, str], ...] = (),
    entering: bool = False,
):
    """Shows the survey, or records the answers. Returns a response.
    `card`: a printed card the caller found unused (respond_shared.py); its
    marker refuses a second response. `hidden`: fields the form carries
    back (the card's code); `entering`: a POST that only brought someone to
    the questions (a typed card code); `thanks_url`: where a recorded
    response goes on to."""
    parts = page_parts(survey_round, language, fresh=preview)
    questions = parts.questions
    with translation.override(language):
        switching = request.method == "POST" and "switch_language" in request.POST
        if request.method == "POST" and not switching and not preview and not entering:
            form = AnswerForm(questions, language, fields=parts.fields, data=request.POST)
            if form.is_valid():
                try:
                    answers = build_answers(questions, form.cleaned_data)
                    record_response(survey_round, answers, invitation=invitation, card=card)
                except LinkAlreadyUsed:
                    return link_not_working(request)
                return redirect(thanks_url or reverse("surveys:thanks") + f"?lang={language}")
        elif switching:
            initial = initial_from_post(questions, request.POST)
            form = AnswerForm(questions, language, fields=parts.fields, initial=initial)
        else:
            form = None
        # Every page that shows the questions: never for a link already used.
        # (A valid submission needs no look: its marker refuses a second one.)
        if invitation is not None and is_spent(invitation):
            return link_not_working(request)
        if form is None and parts.kept and not hidden:
            render_blank = partial(_render_blank, request, survey_round, language, parts)
            return blank_page(request, parts, render_blank)
        form = form or AnswerForm(questions, language, fields=parts.fields)
        status = 400 if form.is_bound and form.errors else 200
        context = _page_context(survey_round, language, form, parts, preview=preview) | {"hidden": hidden}
        return render(request, "surveys/respond/survey.html", context, status=status)


def _render_blank(request: HttpRequest, survey_round: Round, language: str, parts: PageParts, csrf_token: str) -> str:
    form = AnswerForm(parts.questions, language, fields=parts.fields)
    context = _page_context(survey_round, language, form, parts, preview=False) | {"csrf_token": csrf_token}
    return render_to_string("surveys/respond/survey.html", context, request)


def _page_context(survey_round: Round, language: str, form: AnswerForm, parts: PageParts, *, preview: bool) -> dict:
    survey, questions = survey_round.survey, parts.questions
    code, name = other_language(language)
    return {
        "survey": survey,
        "title": survey.title_in(language),
        "intro": survey.intro_in(language),
        "form": form,
        # Called by the template while it renders (a template calls callables).
        "questions_html": partial(questions_html, form),
        "language": language,
        "other_language_code": code,
        "other_language_name": name,
        "loop_items": parts.loop,
        "closes_at": survey_round.closes_at,
        "preview": preview,
        "has_required": any(question.required for question in questions),
    }


def questions_html(form: AnswerForm) -> str:
    """The form's questions as HTML. Rendered while the page renders; the
    blank page of a live survey is kept whole (kept_page.py), so this runs
    once per kept page, for previews, and for forms with answers."""
    return render_to_string("surveys/respond/_questions.html", {"form": form})


@public_view(link_budget=PER_LINK)
@require_http_methods(["GET", "HEAD", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    invitation = _find_invitation(token)
    if invitation is None or not invitation.round.is_open or invitation.responded:
        return link_not_working(request)
    language = pick_language(request, invitation.language)
    return _survey_page(request, invitation.round, language, invitation=invitation)


@public_view(link_budget=None)
@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    language = pick_language(request, "en")
    with translation.override(language):
        return render(request, "surveys/respond/thanks.html", {"language": language})


@public_view(link_budget=PER_LINK)
@require_http_methods(["GET", "HEAD", "POST"])
def opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """Stops all survey emails to this person. Works without login, and after
    the survey was answered or closed. The page, its status and language are
    the same whatever the link (unknown, used, expired or live), and so is
    the page after pressing the button: it tells nobody whether the link
    was real."""
    return _opt_out_page(request, token)


@csrf_exempt
@public_view(link_budget=PER_LINK)
@require_http_methods(["GET", "HEAD", "POST"])
def one_click_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """The address in the emails' List-Unsubscribe header (RFC 8058): a mail
    program POSTs `List-Unsubscribe=One-Click` to it, with no cookie and no
    CSRF token, so only this address takes a POST without one. The link in
    the address is the only proof, as on the page with the button (a site
    that could forge this POST would need the private link). A GET, as a
    mail scanner makes, only shows the button. Opting out never uses up the
    survey link."""
    return _opt_out_page(request, token)


def _opt_out_page(request: HttpRequest, token: str) -> HttpResponse:
    language = pick_language(request, settings.LANGUAGE_CODE)
    done = request.method == "POST"
    if done:
        invitation = _find_invitation(token)
        if invitation is not None:
            person = invitation.person
            person.opted_out = True
            person.save(update_fields=["opted_out"])
    with translation.override(language):
        return render(request, "surveys/respond/opt_out.html", {"language": language, "done": done})
