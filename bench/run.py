"""`make bench`: the one command that writes docs/performance.md.

Creates and migrates the benchmark database if needed, generates the large
dataset when the database is empty, then runs the staff-page timings, the
answering load test and the dispatch test, and writes the targets table, the
machine it ran on and every section to docs/performance.md (and the raw
figures to docs/performance.json). A benchmark module that is missing is
skipped with a note; one that fails is reported and makes the run exit 1
after the document is written."""

import argparse
import datetime
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

from .report import Section

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
DEFAULTS = {
    "DJANGO_SETTINGS_MODULE": "crm.settings.bench",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/crm_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/11",
}
# Run in this order; each module exposes run() -> Section (or a list of them).
MODULES = [("pages", "Staff pages"), ("answering_load", "Survey answering under load"), ("dispatch", "Dispatch")]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="dataset size when it must be generated")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--regenerate", action="store_true", help="flush and generate the dataset again")
    parser.add_argument("--repeats", type=int, default=20, help="timed requests per staff page")
    parser.add_argument("--only", default="", help="comma-separated: pages,answering_load,dispatch")
    parser.add_argument("--out", type=Path, default=DOCS / "performance.md")
    return parser.parse_args(argv)


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to `postgres`)."""
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"]}
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')  # name from the operator's own DATABASE_URL


def prepare(args: argparse.Namespace) -> dict:
    """Migrate, and generate the dataset when the database is empty."""
    from django.core.management import call_command

    from surveys.services.releases import decide_settled_rounds

    from .dataset import counts, generate, holds_data, vacuum_analyze

    call_command("migrate", verbosity=0, interactive=False)
    if holds_data() and not args.regenerate:
        print("Dataset: using the data already in the database (--regenerate to start again).")
        # Data made before the release rule: weigh closed rounds now, as the
        # product's scheduler would (a no-op when they were weighed).
        decide_settled_rounds()
        # The last run's writes (answers, sends, rows added and removed to
        # count queries) leave dead rows and pages the visibility map no
        # longer covers: the invitations' index-only counts read the table
        # again (the rounds query went from 12 to 33 ms). Autovacuum would
        # clear them on a real server; on one where it is off, nothing does.
        vacuum_analyze()
        return {"reused": True, **counts()}
    print(f"Dataset: generating at scale {args.scale}, seed {args.seed} …")
    started = time.perf_counter()
    counts = generate(args.seed, args.scale, flush_first=True, say=print)
    counts["total_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def run_modules(args: argparse.Namespace) -> tuple[list[Section], list[str]]:
    wanted = {m.strip() for m in args.only.split(",") if m.strip()}
    sections, failures = [], []
    for module_name, title in MODULES:
        if wanted and module_name not in wanted:
            continue
        try:
            module = importlib.import_module(f"bench.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"bench.{module_name}":
                raise
            sections.append(Section(title, f"_Skipped: bench/{module_name}.py is not there yet._"))
            continue
        print(f"Running {title} …", flush=True)
        try:
            result = module.run(repeats=args.repeats) if module_name == "pages" else module.run()
        except Exception:  # noqa: BLE001 - report it in the document, then fail the run
            failures.append(module_name)
            sections.append(Section(title, f"**Failed:**\n\n```\n{traceback.format_exc()[-3000:]}\n```"))
            continue
        sections.extend(result if isinstance(result, list) else [result])
    return sections, failures


def main(argv=None) -> int:
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    args = parse_args(argv)
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from . import machine, targets

    started_at = datetime.datetime.now(datetime.UTC)
    load_before = os.getloadavg()
    dataset = prepare(args)
    sections, failures = run_modules(args)
    info = machine.describe(started_at, load_before, os.getloadavg())
    rows = targets.collect(sections)
    document = targets.document(info, rows, sections, dataset, ROOT / "bench" / "what_we_changed.md")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(document)
    figures = {"machine": info, "dataset": dataset, "targets": rows, "sections": [s.__dict__ for s in sections]}
    args.out.with_suffix(".json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    print(targets.table(rows))
    print(f"\nWrote {args.out} and {args.out.with_suffix('.json')}.")
    if failures:
        print(f"FAILED: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
