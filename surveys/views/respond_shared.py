"""The ways into a survey without an email: a round's shared link (older
posters), the survey's stable short address /r/<code>/ (posters, flyers),
a printed one-time card typed at that address, and a shared device at a
desk. Anonymous surveys only. Answers through the shared link or the short
address are their own unit (docs/privacy.md); answers by card count with
the invited ones."""

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.http import require_http_methods, require_safe

from ..choices import LoopStatus, ResponseChannel
from ..models import Response, Round, Survey, YouSaidWeDid
from ..services.cards import find_card
from ..services.short_address import short_url
from ..services.spent_links import card_is_spent
from ..tokens import hash_token, typed_code
from .limits import PER_ROUND
from .public import other_language, pick_language
from .respond import _survey_page, link_not_working, public_view

# The rounds answered in this browser through a shared address, kept in a
# signed cookie in the person's browser rather than in a server-side
# session: a session row's expiry time, written the moment someone
# answered, could be lined up with the order of the responses. The cookie
# ends when the round closes.
ANSWERED_COOKIE = "answered_rounds"
ANSWERED_SALT = "surveys.shared-link-answered"
# A shared device (a tablet at a desk) carries this signed value in its
# address: after each answer the page starts again for the next person,
# and no cookie remembers anyone.
DEVICE_SALT = "surveys.shared-device"


@public_view(link_budget=PER_ROUND)
@require_http_methods(["GET", "HEAD", "POST"])
def respond_shared(request: HttpRequest, token: str) -> HttpResponse:
    """A round's own shared link, as printed on posters before each survey
    had its short address. One response per browser, and at most
    SURVEY_SHARED_ANSWERS_PER_DAY a round and day."""
    rounds = Round.objects.select_related("survey").filter(survey__anonymous=True)
    survey_round = rounds.filter(shared_token_hash=hash_token(token)).first()
    if survey_round is None or not survey_round.is_open:
        return link_not_working(request)
    return _shared_page(request, survey_round)


def _survey_at(code: str) -> Survey | None:
    found = typed_code(code)
    return Survey.objects.filter(anonymous=True, short_code=found).first() if found else None


def _open_round(survey: Survey) -> Round | None:
    return survey.rounds.open_now().select_related("survey").order_by("-opened_at").first()


@public_view(link_budget=PER_ROUND)
@require_http_methods(["GET", "HEAD", "POST"])
def respond_short(request: HttpRequest, code: str) -> HttpResponse:
    """The survey's stable short address: its open round, or a page saying
    none is open. A code typed in another case or with spaces is sent to
    its own address."""
    survey = _survey_at(code)
    if survey is None:
        return link_not_working(request)
    if code != survey.short_code:
        return redirect(reverse("surveys:respond_short", args=[survey.short_code]) + _query(request))
    survey_round = _open_round(survey)
    if survey_round is None:
        return _not_open(request, survey)
    device = _device(request, survey)
    if request.method != "POST" and "start" not in request.GET and survey_round.cards.exists():
        return _card_page(request, survey, device)
    return _shared_page(request, survey_round, device=device)


@public_view(link_budget=PER_ROUND)
@require_http_methods(["POST"])
def respond_card(request: HttpRequest, code: str) -> HttpResponse:
    """A printed card's code, typed at the short address: opens the
    survey's questions for one response, counted with the invited ones.
    The code travels with the form, never in an address or a cookie."""
    survey = _survey_at(code)
    survey_round = _open_round(survey) if survey is not None else None
    if survey is None or survey_round is None:
        return link_not_working(request)
    language = pick_language(request, settings.LANGUAGE_CODE)
    typed = typed_code(request.POST.get("card", ""))
    card = find_card(survey_round, typed) if typed else None
    device = _device(request, survey)
    if card is None or card_is_spent(card):
        return _card_page(request, survey, device, refused=True)
    entering = "action" not in request.POST and "switch_language" not in request.POST
    return _survey_page(
        request,
        survey_round,
        language,
        card=card,
        hidden=(("card", typed or ""),),
        entering=entering,
        thanks_url=_thanks_url(survey, language, device),
    )


def _shared_page(request: HttpRequest, survey_round: Round, *, device: str = "") -> HttpResponse:
    language = pick_language(request, settings.LANGUAGE_CODE)
    survey = survey_round.survey
    answered = [] if device else _answered_rounds(request)
    if survey_round.pk in answered:
        with translation.override(language):
            return render(request, "surveys/respond/thanks.html", {"language": language, "again": True})
    if _shared_answers_today(survey_round) >= settings.SURVEY_SHARED_ANSWERS_PER_DAY:
        with translation.override(language):
            return render(request, "surveys/respond/shared_link_full.html", {"language": language}, status=429)
    thanks = _thanks_url(survey, language, device) if survey.short_code else ""
    response = _survey_page(request, survey_round, language, thanks_url=thanks)
    if response.status_code == 302 and not device:
        response.set_signed_cookie(
            ANSWERED_COOKIE,
            ",".join(str(pk) for pk in [*answered, survey_round.pk][-50:]),
            salt=ANSWERED_SALT,
            path=request.path,
            expires=survey_round.closes_at,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    return response


@public_view(link_budget=PER_ROUND)
@require_safe
def respond_short_done(request: HttpRequest, code: str) -> HttpResponse:
    """Thanks, after an answer at the short address; on a shared device,
    with a button that starts again for the next person. (Not a timed
    refresh: a person who reads slowly must not lose the page.)"""
    survey = _survey_at(code)
    if survey is None:
        return link_not_working(request)
    language = pick_language(request, settings.LANGUAGE_CODE)
    device = _device(request, survey)
    again = reverse("surveys:respond_short", args=[survey.short_code]) + (f"?device={device}" if device else "")
    with translation.override(language):
        context = {
            "language": language,
            "device_again": again if device else "",
            "changes_url": _changes_url(survey, language),
        }
        return render(request, "surveys/respond/thanks.html", context)


@public_view(link_budget=PER_ROUND)
@require_safe
def respond_changes(request: HttpRequest, code: str) -> HttpResponse:
    """What we changed after the survey's earlier rounds ("you said, we
    did" items that are done), for people without email too: the poster
    and the short address lead here. Printable."""
    survey = _survey_at(code)
    if survey is None:
        return link_not_working(request)
    language = pick_language(request, settings.LANGUAGE_CODE)
    done = YouSaidWeDid.objects.filter(round__survey=survey, status=LoopStatus.DONE).order_by("-round__opened_at", "id")
    with translation.override(language):
        context = {
            "language": language,
            "title": survey.title_in(language),
            "items": [{"you_said": item.you_said_in(language), "we_did": item.we_did_in(language)} for item in done],
            "survey_url": reverse("surveys:respond_short", args=[survey.short_code]) + f"?lang={language}",
            **_language_switch(request, language),
        }
        return render(request, "surveys/respond/changes.html", context)


def device_link(survey: Survey) -> str:
    """The short address in shared-device mode, for staff to open on a tablet."""
    value = signing.dumps(survey.pk, salt=DEVICE_SALT, compress=True)
    return short_url(survey) + f"?device={value}"


def _device(request: HttpRequest, survey: Survey) -> str:
    """The shared-device value of the request, when it is this survey's."""
    value = request.GET.get("device", "")
    try:
        return value if value and signing.loads(value, salt=DEVICE_SALT) == survey.pk else ""
    except signing.BadSignature:
        return ""


def _thanks_url(survey: Survey, language: str, device: str) -> str:
    url = reverse("surveys:respond_short_done", args=[survey.short_code]) + f"?lang={language}"
    return url + (f"&device={device}" if device else "")


def _changes_url(survey: Survey, language: str) -> str:
    return reverse("surveys:respond_changes", args=[survey.short_code]) + f"?lang={language}"


def _query(request: HttpRequest) -> str:
    return "?" + request.GET.urlencode() if request.GET else ""


def _language_switch(request: HttpRequest, language: str) -> dict:
    """The link to this page in the other language (the poster and the
    cards print one address for both)."""
    code, name = other_language(language)
    query = request.GET.copy()
    query["lang"] = code
    return {
        "switch_url": f"{request.path}?{query.urlencode()}",
        "other_language_code": code,
        "other_language_name": name,
    }


def _not_open(request: HttpRequest, survey: Survey) -> HttpResponse:
    language = pick_language(request, settings.LANGUAGE_CODE)
    with translation.override(language):
        context = {
            "language": language,
            "title": survey.title_in(language),
            "changes_url": _changes_url(survey, language),
            **_language_switch(request, language),
        }
        return render(request, "surveys/respond/not_open.html", context)


def _card_page(request: HttpRequest, survey: Survey, device: str, *, refused: bool = False) -> HttpResponse:
    """The short address's first page while the round has printed cards:
    type a card's code, or answer without one. `refused`: the same answer
    for a mistyped, unknown or used code."""
    language = pick_language(request, settings.LANGUAGE_CODE)
    device_query = f"device={device}&" if device else ""
    here = reverse("surveys:respond_short", args=[survey.short_code])
    card_action = reverse("surveys:respond_card", args=[survey.short_code])
    with translation.override(language):
        context = {
            "language": language,
            "title": survey.title_in(language),
            "minutes": survey.estimated_minutes,
            "card_refused": refused,
            "card_action": card_action + f"?{device_query}lang={language}",
            "without_card": here + f"?{device_query}start=1&lang={language}",
            **_language_switch(request, language),
        }
        return render(request, "surveys/respond/card.html", context, status=400 if refused else 200)


def _shared_answers_today(survey_round: Round) -> int:
    today = timezone.localdate()
    return Response.objects.filter(round=survey_round, channel=ResponseChannel.SHARED, submitted_on=today).count()


def _answered_rounds(request: HttpRequest) -> list[int]:
    value = request.get_signed_cookie(ANSWERED_COOKIE, default="", salt=ANSWERED_SALT) or ""
    return [int(pk) for pk in value.split(",") if pk.isdigit()]
