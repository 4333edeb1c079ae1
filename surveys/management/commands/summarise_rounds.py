"""Stores the answer counts of closed rounds that have none yet: rounds closed
before summaries existed, or data loaded in bulk. Safe to run twice; the beat
does the same for rounds it closes (close_due_rounds)."""

from django.core.management.base import BaseCommand

from surveys.services.tallies import summarise_closed_rounds


class Command(BaseCommand):
    help = "Store the answer counts of closed rounds that have none yet."

    def handle(self, *args, **options):
        done = summarise_closed_rounds()
        self.stdout.write(f"Summarised {done} closed rounds.")
