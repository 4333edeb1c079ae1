"""A person's follow-ups as an iCalendar feed (RFC 5545, written by the
icalendar library). A calendar lives on phones and in other companies'
clouds, so an event says only that a follow-up is due, with a link to it
in the CRM (which asks for a sign-in): never the partner's name, the
summary or the note."""

from collections.abc import Iterable

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from .models import Interaction


def follow_up_calendar(follow_ups: Iterable[Interaction], request: HttpRequest) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Partnership CRM//follow-ups//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("CRM follow-ups"))
    now = timezone.now()
    host = request.get_host()
    for interaction in follow_ups:
        event = Event()
        event.add("uid", f"follow-up-{interaction.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", interaction.follow_up_on)  # a date: an all-day event
        event.add("summary", _("CRM follow-up"))
        event.add("url", request.build_absolute_uri(interaction.get_absolute_url()))
        event.add("description", _("Open the link to see what to follow up (sign-in needed)."))
        calendar.add_component(event)
    return calendar.to_ical()
