"""Importing large spreadsheets through the import's own code path
(partners/importing: read the upload, check it = the preview's dry run,
then import the text the preview posts back), timing each step and the
process's peak memory.

    .venv/bin/python bench/import_large.py                 # SQLite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_dev .venv/bin/python bench/import_large.py

It runs in a throwaway test database (created and dropped here): 500
partners already in it, then a file of 2,000 partners (100 of them the
existing ones retyped in lower case) and a file of 20,000 contacts, 10 for
each partner, with emails and phones (encrypted when saved)."""

import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

EXISTING, PARTNERS, CONTACTS_EACH = 500, 2_000, 10


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the process's high-water mark so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def partner_file() -> bytes:
    lines = ["name,kind,stage,keep_in_touch_days,description,tags"]
    for i in range(PARTNERS):
        name = f"Existing partner {i:04}".lower() if i < 100 else f"Partner {i:04}"
        lines.append(f"{name},mutual_aid,first_contact,30,Met at the spring outreach fair,outreach;night")
    return ("\n".join(lines) + "\n").encode()


def contact_file() -> bytes:
    lines = ["partner,name_or_alias,role,email,phone,preferred_channel,language,consent_to_surveys"]
    for i in range(PARTNERS * CONTACTS_EACH):
        partner = f"Partner {100 + i % (PARTNERS - 100):04}"
        lines.append(f"{partner},Person {i:05},Lead,p{i:05}@example.org,+1 555 {i:07},email,en,yes")
    return ("\n".join(lines) + "\n").encode()


def run(kind: str, data: bytes, user) -> None:
    from partners.importing import running

    started = time.perf_counter()
    table = running.read(kind, f"{kind}.csv", data)
    checked = running.check(kind, table, user)
    checked_at = time.perf_counter()
    imported = running.import_text(kind, checked.text, user, choices={})
    done = time.perf_counter()
    print(
        f"{kind:9} {len(table.rows):>6} rows, {len(data) / 1e6:.1f} MB: "
        f"preview {checked_at - started:5.1f} s, import {done - checked_at:5.1f} s; "
        f"{imported.created} created, {imported.skipped} skipped, {len(checked.problems)} problems; "
        f"peak memory so far {peak_mb():.0f} MB"
    )


def main() -> None:
    from django.contrib.auth.models import Group

    from partners.models import Organization
    from tests.factories import UserFactory

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite":
        # Its own database: a test run beside it uses (and drops) test_<name>.
        connection.settings_dict["TEST"]["NAME"] = "bench_import_large"
    connection.creation.create_test_db(verbosity=0)
    try:
        user = UserFactory(username="bench-manager", groups=[Group.objects.get_or_create(name="Program managers")[0]])
        Organization.objects.bulk_create(
            Organization(name=f"Existing partner {i:04}", kind="health") for i in range(EXISTING)
        )
        print(f"{connection.vendor}, {EXISTING} partners already there; memory before {peak_mb():.0f} MB")
        run("partners", partner_file(), user)
        run("contacts", contact_file(), user)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
