"""The respondent's form, built from a survey's questions in one language."""

from typing import TYPE_CHECKING, TypedDict

from django import forms
from django.utils.html import escape
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..choices import CLOSED_KINDS, PREFER_NOT_TO_SAY, QuestionKind
from ..models import Question

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

SHORT_TEXT_MAX = 300
LONG_TEXT_MAX = 3000


class _CommonArguments(TypedDict):
    """What every answer field is given, whatever its kind."""

    label: "_StrOrPromise"
    help_text: str
    required: bool
    error_messages: "dict[str, _StrOrPromise]"


def field_for(question: Question, language: str) -> forms.Field:
    label: _StrOrPromise = question.text_in(language)
    if question.required:
        # Said in words, not only with an asterisk: the intro promises that
        # every other question can be skipped.
        label = format_lazy("{} ({})", label, _("needs an answer"))
    common: _CommonArguments = {
        "label": label,
        # Django's field template marks help text safe: stored text is
        # escaped here, or a question's help could put markup (a <meta>
        # refresh to another site) on every respondent's page.
        "help_text": escape(question.help_in(language)),
        "required": question.required,
        "error_messages": {"required": _("Please answer this question.")},
    }
    radio = forms.RadioSelect(attrs={"class": "choice-list"})
    kind = question.kind
    if kind in CLOSED_KINDS or kind == QuestionKind.SINGLE_CHOICE:
        return forms.TypedChoiceField(choices=question.options(language), coerce=int, widget=radio, **common)
    if kind == QuestionKind.MULTIPLE_CHOICE:
        checkboxes = forms.CheckboxSelectMultiple(attrs={"class": "choice-list"})
        return forms.TypedMultipleChoiceField(
            choices=question.options(language), coerce=int, widget=checkboxes, **common
        )
    if kind == QuestionKind.SHORT_TEXT:
        return forms.CharField(max_length=SHORT_TEXT_MAX, **common)
    return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}), **common)


def answer_fields(questions: list[Question], language: str) -> dict[str, forms.Field]:
    """The form's fields, by name. Built once per kept survey page and shared
    by the forms of every request for it (AnswerForm's `fields`)."""
    return {f"q{question.pk}": field_for(question, language) for question in questions}


class AnswerForm(forms.Form):
    """The answers to a survey's questions. `fields` (from answer_fields) are
    shared, not copied: nothing here or in Django's validation and rendering
    changes a field after it is built, and building ten fields with their
    choices was a sixth of a submission's CPU."""

    def __init__(self, questions: list[Question], language: str, *args, fields=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.fields = dict(fields if fields is not None else answer_fields(questions, language))

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        for name in self.fields:
            ticked = cleaned.get(name)
            if isinstance(ticked, list) and PREFER_NOT_TO_SAY in ticked and len(ticked) > 1:
                self.add_error(name, _("Choose “Prefer not to say” on its own, or untick it."))
        return cleaned


def initial_from_post(questions: list[Question], data) -> dict:
    """What the person already chose, to show again after a language switch
    without marking anything as an error."""
    initial = {}
    for question in questions:
        name = f"q{question.pk}"
        values = data.getlist(name)
        if question.kind == QuestionKind.MULTIPLE_CHOICE:
            initial[name] = values
        elif values:
            initial[name] = values[0]
    return initial
