"""Forms of the release rule's two decisions: pooling held rounds, and
withholding free-text answers of a unit."""

from typing import cast

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from ..models import Answer, Round


class PoolForm(forms.Form):
    rounds = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label=_("Held rounds to pool"),
        help_text=_("Rounds next to each other. Once pooled, they are only ever shown together."),
        error_messages={"invalid_choice": _("Choose only the held rounds listed.")},
    )

    def __init__(self, held: list[Round], *args, **kwargs):
        """`held`: rounds with participation counts (releases.held_rounds)."""
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["rounds"]).choices = [
            (
                r.pk,
                _("Round of %(date)s: %(invited)s answered by private link, %(shared)s by shared link")
                % {
                    "date": date_format(r.opened_at, "j M Y"),
                    # annotated by RoundQuerySet.with_counts()
                    "invited": r.invited_responses,  # type: ignore[attr-defined]
                    "shared": r.shared_responses,  # type: ignore[attr-defined]
                },
            )
            for r in held
        ]


class WithholdForm(forms.Form):
    withheld = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Withhold these answers"),
        error_messages={"invalid_choice": _("Choose only answers of this unit.")},
    )

    def __init__(self, answers: list[Answer], *args, **kwargs):
        kwargs.setdefault("initial", {"withheld": [a.pk for a in answers if a.withheld]})
        super().__init__(*args, **kwargs)
        grouped: dict[str, list] = {}
        for answer in answers:
            grouped.setdefault(answer.question.text, []).append((answer.pk, answer.text))
        # One group per question, answers alphabetical (releases.unit_text_answers).
        cast(forms.TypedMultipleChoiceField, self.fields["withheld"]).choices = list(grouped.items())
