"""Everything a respondent sees in Spanish is Spanish: the survey page, its
errors, the other public pages and the emails. Compared with the English
rendering of the same page, not one English sentence may be left over."""

import calendar
import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from surveys import emails
from surveys.choices import QuestionKind
from surveys.forms.answers import SHORT_TEXT_MAX
from surveys.models import InvitationToken, Response, YouSaidWeDid
from surveys.tokens import new_token
from surveys.views.limits import PER_ADDRESS, allowed
from tests.factories import InvitationFactory, QuestionFactory, RecipientFactory, RoundFactory, SurveyFactory

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES"
# The .po references that make a msgid respondent-facing.
RESPONDENT_SOURCES = (
    "templates/surveys/respond/",
    "templates/surveys/email/",
    "surveys/forms/answers.py",
    "surveys/views/respond.py",
)

CHOICES = [{"en": "Food", "es": "Comida"}, {"en": "Housing", "es": "Vivienda"}, {"en": "Health care", "es": "Salud"}]
# One question of each kind, with its Spanish text and hint.
QUESTIONS = {
    QuestionKind.AGREEMENT: ("Staff listen to me", "El personal me escucha"),
    QuestionKind.LIKELIHOOD: ("Would you tell a friend about us", "¿Le hablaría de nosotros a alguien que conoce?"),
    QuestionKind.YES_NO: ("Did you feel safe here", "¿Se sintió con seguridad aquí?"),
    QuestionKind.SINGLE_CHOICE: ("What helps you most", "¿Qué le ayuda más?"),
    QuestionKind.MULTIPLE_CHOICE: ("What else helps", "¿Qué más le ayuda?"),
    QuestionKind.SHORT_TEXT: ("One word for us", "Una palabra para nosotros"),
    QuestionKind.LONG_TEXT: ("Anything else to tell us", "¿Algo más que nos quiera decir?"),
}
assert set(QUESTIONS) == set(QuestionKind), "a new question kind needs a Spanish test"

# Fixed words of the survey page that must never show on the Spanish page.
ENGLISH_UI = [
    "Strongly agree",
    "Strongly disagree",
    "Neither agree nor disagree",
    "Disagree",
    "Agree",
    "Yes",
    "Prefer not to say",
    "not at all likely",
    "extremely likely",
    "needs an answer",
    "Send my answers",
    "You can skip any question",
    "minutes",
    "minute",
    "It takes about",
    "Your answers are anonymous",
    "Our staff see the answers only when",
    "Before you start",
    "You can answer until",
    "Some questions follow",
    "You said",
    "We did",
    "Last time",
]
SPANISH_UI = [
    "Muy de acuerdo",
    "Muy en desacuerdo",
    "Ni de acuerdo ni en desacuerdo",
    "Sí",
    "Prefiero no decirlo",
    "0 — nada probable",
    "10 — muy probable",
    "(necesita respuesta)",
    "Enviar mis respuestas",
    "Puede saltarse cualquier pregunta, menos las que dicen “necesita respuesta”.",
    "Toma más o menos 7 minutos.",
    "Sus respuestas son anónimas.",
    "Antes de empezar",
    "Puede responder hasta el",
    "Nos dijeron",
    "Hicimos",
    "Full Frame Initiative",
]
# Words the Spanish page rightly shows in English: the button to switch back.
# A name, the same in both languages.
ALLOWED_ENGLISH = {"English", settings.ORGANIZATION_NAME}


# --- reading pages as text ---------------------------------------------------------


class _Text(HTMLParser):
    """The text a person sees or hears: text nodes, one line per block, and
    the labelling attributes."""

    ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
    BLOCKS = {"title", "h1", "h2", "h3", "p", "li", "ul", "div", "br", "label", "legend", "button", "hr", "section"}

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")
        attributes = dict(attrs)
        for name in self.ATTRIBUTES:
            if attributes.get(name):
                self.parts.append(f"\n{attributes[name]}\n")
        if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
            self.parts.append(f"\n{attributes['value']}\n")

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data.replace("\n", " "))


def visible_text(content: str, html: bool = True) -> str:
    if html:
        parser = _Text()
        parser.feed(content)
        content = "".join(parser.parts)
    # Links are the same in both languages and are not words.
    content = re.sub(r"https?://\S+", "", content)
    return "\n".join(" ".join(line.split()) for line in content.splitlines() if line.strip())


def sentences(text: str) -> set[str]:
    """Sentences of two words or more (one word, like "No", may be Spanish too)."""
    found = set()
    for line in text.splitlines():
        for piece in re.split(r"(?<=[.!?])\s+", line):
            piece = piece.strip(" -–—:")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 2:
                found.add(piece)
    return found


def assert_no_english_left(english: str, spanish: str) -> None:
    leftovers = {s for s in sentences(english) if s in spanish and s not in ALLOWED_ENGLISH}
    assert not leftovers, f"English left on the Spanish page: {sorted(leftovers)}"


def page_text(response) -> str:
    return visible_text(response.content.decode())


# --- fixtures ----------------------------------------------------------------------


@pytest.fixture
def survey():
    survey = SurveyFactory(
        title="Check-in",
        title_es="Chequeo",
        intro="Tell us how it went.",
        intro_es="Cuéntenos cómo le fue.",
        anonymous=True,
        estimated_minutes=7,
    )
    for position, (kind, (english, spanish)) in enumerate(QUESTIONS.items()):
        QuestionFactory(
            survey=survey,
            position=position,
            kind=kind,
            text=english,
            text_es=spanish,
            help_text=f"Hint about {english.lower()}",
            help_text_es=f"Pista: {spanish.lower()}",
            choices=CHOICES if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE) else [],
            required=kind == QuestionKind.LONG_TEXT,
        )
    earlier = RoundFactory(survey=survey, opened_at=timezone.now() - datetime.timedelta(days=90))
    YouSaidWeDid.objects.create(
        round=earlier,
        you_said="Evenings are hard",
        you_said_es="Las tardes son difíciles",
        we_did="We open until 9",
        we_did_es="Abrimos hasta las 9",
        status="done",
    )
    return survey


@pytest.fixture
def invited(survey):
    invitation = InvitationFactory(
        round=RoundFactory(survey=survey, opened_at=timezone.now()), recipient=RecipientFactory(language="es")
    )
    raw, digest = new_token()
    InvitationToken.objects.create(invitation=invitation, token_hash=digest)
    return invitation, raw


def questions(survey) -> dict:
    return {question.kind: f"q{question.pk}" for question in survey.questions.all()}


# --- (a) the survey page ------------------------------------------------------------


def test_the_survey_page_is_all_spanish(client, survey, invited):
    _, raw = invited
    url = reverse("surveys:respond", args=[raw])
    spanish_page = client.get(url, {"lang": "es"})
    assert spanish_page.status_code == 200
    spanish = page_text(spanish_page)

    assert '<html lang="es">' in spanish_page.content.decode()
    for _, text_es in QUESTIONS.values():
        assert text_es in spanish
    for phrase in SPANISH_UI:
        assert phrase in spanish, phrase
    # Every word of the page is checked, the month of the closing date too.
    assert re.search(r"\b(Puede responder hasta el \d+ de [a-z]+ de \d{4})\.", spanish)
    for phrase in ENGLISH_UI:
        assert not re.search(rf"\b{phrase}\b", spanish), phrase
    for english_month in calendar.month_name[1:]:
        assert not re.search(rf"\b{english_month}\b", spanish), english_month

    english = page_text(client.get(url, {"lang": "en"}))
    assert "Strongly agree" in english and "Send my answers" in english  # the comparison is meaningful
    assert_no_english_left(english, spanish)


def test_a_survey_that_is_not_anonymous_and_has_nothing_required(client, survey, invited):
    # As if named from the start: the fixture's rounds exist, and once a
    # round has gone out Survey.save refuses to change it.
    type(survey).objects.filter(pk=survey.pk).update(anonymous=False, estimated_minutes=1)
    survey.questions.update(required=False)
    _, raw = invited
    url = reverse("surveys:respond", args=[raw])
    spanish = page_text(client.get(url, {"lang": "es"}))
    assert "Toma más o menos 1 minuto." in spanish  # the singular
    assert "Esta encuesta no es anónima" in spanish
    assert "Puede saltarse cualquier pregunta." in spanish
    english = page_text(client.get(url, {"lang": "en"}))
    assert "You can skip any question." in english  # the comparison is meaningful
    assert_no_english_left(english, spanish)


def test_the_staff_preview_banner_is_spanish_too(manager_client, survey):
    url = reverse("surveys:survey_preview", args=[survey.pk])
    spanish = page_text(manager_client.get(url, {"lang": "es"}))
    assert "Vista previa:" in spanish
    english = page_text(manager_client.get(url, {"lang": "en"}))
    assert "Preview: this is exactly what people will see" in english  # the comparison is meaningful
    assert_no_english_left(english, spanish)


# --- (b) errors ---------------------------------------------------------------------


def test_errors_are_shown_in_spanish(client, survey, invited):
    invitation, raw = invited
    q = questions(survey)
    data = {
        q[QuestionKind.AGREEMENT]: "9",  # not one of the choices
        q[QuestionKind.MULTIPLE_CHOICE]: ["0", "-1"],  # an answer and "prefer not to say"
        q[QuestionKind.SHORT_TEXT]: "x" * (SHORT_TEXT_MAX + 1),
        q[QuestionKind.LONG_TEXT]: "",  # required
    }
    url = reverse("surveys:respond", args=[raw])
    spanish_page = client.post(url, data | {"language": "es"})
    english_page = client.post(url, data | {"language": "en"})
    assert spanish_page.status_code == english_page.status_code == 400
    assert not Response.objects.exists()
    spanish, english = page_text(spanish_page), page_text(english_page)

    assert "Please answer this question." in english  # the English page does show the errors
    assert "Ensure this value has at most" in english
    assert "Hay que revisar algunas respuestas." in spanish
    assert "Por favor, responda esta pregunta." in spanish
    assert "Si marca “Prefiero no decirlo”, no marque nada más. Si no, quite esa marca." in spanish
    # Django's own messages come from Django's Spanish catalog.
    assert f"Asegúrese de que este valor tenga menos de {SHORT_TEXT_MAX} caracteres" in spanish
    assert "Escoja una opción válida." in spanish
    for english_error in ("Please answer", "Ensure this value", "Select a valid choice", "Prefer not to say"):
        assert english_error not in spanish
    assert_no_english_left(english, spanish)


# --- (c) the other public pages -----------------------------------------------------


def _both(client, url, **kwargs):
    english = client.get(url, {"lang": "en"}, **kwargs)
    spanish = client.get(url, {"lang": "es"}, **kwargs)
    assert english.status_code == spanish.status_code
    assert '<html lang="es">' in spanish.content.decode()
    return page_text(english), page_text(spanish)


def test_the_thank_you_page(client):
    english, spanish = _both(client, reverse("surveys:thanks"))
    assert "Thank you" in english
    assert "Gracias" in spanish
    assert_no_english_left(english, spanish)


def test_the_thank_you_page_for_someone_who_already_answered():
    def render(language):
        with translation.override(language):
            html = render_to_string("surveys/respond/thanks.html", {"language": language, "again": True})
        return visible_text(html)

    english, spanish = render("en"), render("es")
    assert "You already answered this survey" in english
    assert "Ya respondió esta encuesta" in spanish
    assert_no_english_left(english, spanish)


def test_the_link_does_not_work_page(client):
    english, spanish = _both(client, reverse("surveys:respond", args=["not-a-real-token"]))
    assert "This link does not work anymore" in english
    assert "Este enlace ya no funciona" in spanish
    assert_no_english_left(english, spanish)


def test_the_opt_out_page_before_and_after(client, invited):
    invitation, raw = invited
    url = reverse("surveys:opt_out", args=[raw])
    english, spanish = _both(client, url)
    assert "Stop the emails" in english
    assert "Dejar de recibir correos de encuestas" in spanish
    assert_no_english_left(english, spanish)

    english_done = page_text(client.post(url, {"language": "en"}))
    spanish_done = page_text(client.post(url, {"language": "es"}))
    assert "We will not send you survey emails anymore." in english_done
    assert "Listo." in spanish_done
    assert_no_english_left(english_done, spanish_done)
    invitation.recipient.refresh_from_db()
    assert invitation.recipient.opted_out


def test_the_rate_limited_page(client, frozen_clock):
    url = reverse("surveys:thanks")
    allowed_per_minute = allowed(PER_ADDRESS)

    def limited(language, address):
        for _ in range(allowed_per_minute):
            client.get(url, {"lang": language}, REMOTE_ADDR=address)
        page = client.get(url, {"lang": language}, REMOTE_ADDR=address)
        assert page.status_code == 429
        return page_text(page)

    english, spanish = limited("en", "10.0.0.1"), limited("es", "10.0.0.2")
    assert "Please wait a minute" in english
    assert "Por favor, espere un minuto" in spanish
    assert_no_english_left(english, spanish)


# --- (d) the emails -----------------------------------------------------------------


@pytest.mark.parametrize("kind", ["invitation", "reminder"])
def test_the_emails_are_all_spanish(survey, kind):
    def send(language):
        invitation = InvitationFactory(
            round=RoundFactory(survey=survey, opened_at=timezone.now()), recipient=RecipientFactory(language=language)
        )
        mail.outbox.clear()
        context = emails.round_context(invitation.round, invitation.language)
        emails.survey_email(kind, invitation, "T" * 43, context).send()
        (message,) = mail.outbox
        return message.subject, visible_text(message.body, html=False), visible_text(message.alternatives[0][0])

    english = send("en")
    spanish = send("es")
    subject, text, html = spanish
    assert subject == {"invitation": "¿Cómo lo estamos haciendo? Chequeo", "reminder": "Recordatorio: Chequeo"}[kind]
    assert "Your answers are anonymous." in english[1] and "Your answers are anonymous." in english[2]
    for body in (text, html):
        assert "Hola:" in body
        assert "Toma más o menos 7 minutos." in body
        assert "Sus respuestas son anónimas." in body
        assert "Nos dijeron: Las tardes son difíciles" in body
        assert "¿No quiere recibir estos correos?" in body
        assert "Hello" not in body and "Thank you" not in body
    assert "Responder la encuesta" in html
    for english_part, spanish_part in zip(english, spanish, strict=True):
        assert_no_english_left(english_part, spanish_part)


# --- (e) the compiled catalog -------------------------------------------------------


def _unquote(line: str) -> str:
    return line[1:-1].replace('\\"', '"').replace("\\n", "\n").replace("\\\\", "\\")


def read_po(path: Path) -> list[dict]:
    """The entries of a .po file: references, flags, msgid, msgid_plural, msgstr(s)."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = {"refs": [], "flags": [], "msgstr": {}}, None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry = None  # obsolete
                break
            if line.startswith("#:"):
                entry["refs"] += line[2:].split()
            elif line.startswith("#,"):
                entry["flags"] += [flag.strip() for flag in line[2:].split(",")]
            elif match := re.match(r'^(msgid_plural|msgid|msgstr(?:\[(\d+)\])?) (".*")$', line):
                keyword, index, text = match.groups()
                key = ("msgstr", int(index or 0)) if keyword.startswith("msgstr") else keyword
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] = _unquote(text)
                else:
                    entry[key] = _unquote(text)
            elif line.startswith('"') and key:
                if isinstance(key, tuple):
                    entry["msgstr"][key[1]] += _unquote(line)
                else:
                    entry[key] += _unquote(line)
        if entry and "msgid" in entry:
            entries.append(entry)
    return entries


def respondent_entries() -> list[dict]:
    return [
        entry
        for entry in read_po(LOCALE_DIR / "django.po")
        if any(ref.startswith(RESPONDENT_SOURCES) for ref in entry["refs"])
    ]


def test_the_catalog_header_is_finished():
    header = next(entry for entry in read_po(LOCALE_DIR / "django.po") if entry["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: es\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);\n" in header["msgstr"][0]


def test_every_respondent_string_is_translated_and_not_fuzzy():
    entries = respondent_entries()
    assert len(entries) > 40  # the references were found
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        expected = 2 if "msgid_plural" in entry else 1
        assert len(entry["msgstr"]) == expected, entry["msgid"]
        for msgstr in entry["msgstr"].values():
            assert msgstr.strip(), f"not translated: {entry['msgid']!r}"
            # The same placeholders, so nothing breaks or goes missing.
            placeholders = sorted(re.findall(r"%\(\w+\)[sd]", entry["msgid"]))
            assert sorted(re.findall(r"%\(\w+\)[sd]", msgstr)) == placeholders, entry["msgid"]


def test_the_compiled_catalog_matches_the_po():
    """The committed .mo is what a machine without gettext tools serves."""
    assert (LOCALE_DIR / "django.mo").is_file()
    entries = respondent_entries()
    assert len(entries) > 40  # the references were found
    with translation.override("es"):
        for entry in entries:
            if "msgid_plural" in entry:
                one = translation.ngettext(entry["msgid"], entry["msgid_plural"], 1)
                many = translation.ngettext(entry["msgid"], entry["msgid_plural"], 5)
                assert (one, many) == (entry["msgstr"][0], entry["msgstr"][1]), entry["msgid"]
            elif entry["msgstr"][0]:
                assert translation.gettext(entry["msgid"]) == entry["msgstr"][0], entry["msgid"]


def test_the_spanish_avoids_words_that_disrespect_people():
    banned = ("víctima", "rescate", "rescatar", "prostituid", "explotación", "explotad")
    entries = respondent_entries()
    assert len(entries) > 40  # the references were found
    for entry in entries:
        for msgstr in entry["msgstr"].values():
            assert not any(word in msgstr.lower() for word in banned), msgstr
