"""Follow-ups as tasks, from My work: done, snooze and reassign, each one
click (a small form, no JavaScript needed), and a person's private calendar
feed of their follow-ups. Each change is saved with its history."""

import datetime
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.form_fields import PersonChoiceField
from core.tokens import hash_token, new_token

from ..calendar import follow_up_calendar
from ..forms import program_managers
from ..models import FollowUpFeed, Interaction

may_change = permission_required("partners.change_interaction", raise_exception=True)


def _open_follow_up(pk: int) -> Interaction:
    """404 for a follow-up that is done, or an interaction without one."""
    open_ones = Interaction.objects.open_follow_ups().select_related("organization").defer("confidential_notes")
    return get_object_or_404(open_ones, pk=pk)


class SnoozeForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=90)


class ReassignForm(forms.Form):
    assignee = PersonChoiceField(label=gettext_lazy("Who follows up"), queryset=program_managers())


@may_change
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _open_follow_up(pk)
    interaction.follow_up_done = True
    interaction.save(update_fields=["follow_up_done"])
    messages.success(request, _("Follow-up with %(partner)s done.") % {"partner": interaction.organization})
    return redirect("home")


@may_change
@require_POST
def follow_up_snooze(request: HttpRequest, pk: int) -> HttpResponse:
    """Moves the follow-up a number of days (7 unless said) past today or
    its day, whichever is later."""
    interaction = _open_follow_up(pk)
    form = SnoozeForm({"days": request.POST.get("days", "7")})
    if not form.is_valid():
        messages.error(request, _("Snooze for 1 to 90 days."))
        return render(request, "partners/follow_up_refused.html", {"interaction": interaction}, status=400)
    today = timezone.localdate()
    moved = max(today, interaction.follow_up_on or today) + datetime.timedelta(days=form.cleaned_data["days"])
    interaction.follow_up_on = moved
    interaction.save(update_fields=["follow_up_on"])
    messages.success(
        request,
        _("Follow-up with %(partner)s moved to %(day)s.")
        % {"partner": interaction.organization, "day": date_format(moved, "j M")},
    )
    return redirect("home")


@may_change
@require_http_methods(["GET", "HEAD", "POST"])
def follow_up_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    interaction = _open_follow_up(pk)
    posted = request.POST if request.method == "POST" else None
    form = ReassignForm(posted, initial={"assignee": interaction.follow_up_assignee_id})
    if form.is_valid():
        person = form.cleaned_data["assignee"]
        interaction.follow_up_assignee = person
        interaction.save(update_fields=["follow_up_assignee"])
        name = person.get_full_name() or person.get_username()
        said = _("%(person)s now follows up with %(partner)s.")
        messages.success(request, said % {"partner": interaction.organization, "person": name})
        return redirect("home")
    context = {"interaction": interaction, "form": form}
    return render(request, "partners/follow_up_reassign.html", context, status=400 if form.is_bound else 200)


# --- the calendar feed ---------------------------------------------------------


@permission_required("partners.view_interaction", raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Makes (or makes anew: the old address stops working) or revokes the
    signed-in person's calendar address. The address is shown once, after
    it is made: only its hash is kept."""
    user = cast(User, request.user)
    address, status = "", 200
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("make", "revoke"):
        FollowUpFeed.objects.filter(user=user).delete()
        if action == "revoke":
            messages.success(request, _("Your calendar address no longer works."))
            return redirect("partners:calendar_feed")
        raw, hashed = new_token()
        FollowUpFeed.objects.create(user=user, token_hash=hashed)
        address = request.build_absolute_uri(reverse("partners:follow_up_calendar", args=[raw]))
    elif request.method == "POST":
        status = 400  # neither button: nothing changes
    feed = FollowUpFeed.objects.filter(user=user).first()
    return render(request, "partners/calendar_feed.html", {"feed": feed, "address": address}, status=status)


@login_not_required
@never_cache
@require_safe
def follow_up_calendar_view(request: HttpRequest, token: str) -> HttpResponse:
    """The feed a calendar app polls: no sign-in, the address is the key.
    Unknown or revoked: 404, the same as any page that is not there."""
    live = FollowUpFeed.objects.filter(token_hash=hash_token(token), user__is_active=True)
    feed = live.select_related("user").first()
    if feed is None:
        raise Http404
    follow_ups = Interaction.objects.for_user(feed.user).open_follow_ups().only("pk", "follow_up_on")
    response = HttpResponse(follow_up_calendar(follow_ups, request), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="follow-ups.ics"'
    return response
