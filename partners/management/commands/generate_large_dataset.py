"""Fill the database with a large fictional organization for the benchmarks
(bench/dataset does the work; `make bench` runs it when the database is empty)."""

import time

from django.core.management.base import BaseCommand, CommandError

from bench.dataset import DatabaseNotEmpty, generate


class Command(BaseCommand):
    help = "Generate a large fictional dataset (2,000 partners, 200,000 interactions, … at --scale 1)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 = the large organization; 0.01 for tests")
        parser.add_argument("--flush", action="store_true", help="Delete existing partners and survey data first.")

    def handle(self, *args, seed: int, scale: float, flush: bool, **options):
        if scale <= 0:
            raise CommandError("--scale must be positive.")
        started = time.perf_counter()
        try:
            counts = generate(seed, scale, flush_first=flush, say=self.stdout.write)
        except DatabaseNotEmpty as exc:
            raise CommandError(str(exc)) from exc
        written = ", ".join(f"{k} {v:,}" for k, v in counts.items() if isinstance(v, int) and k != "seed")
        self.stdout.write(f"Generated in {time.perf_counter() - started:.0f} s: {written}.")
