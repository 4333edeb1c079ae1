"""A program manager imports a 200-row partner spreadsheet holding 10
partners we already have (in other case and spacing) and 5 bad rows:
checks it, chooses what to do with the duplicates, imports, and undoes it."""

import pytest
from django.core.management import call_command

from partners.models import Organization

from .conftest import check_page, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BAD_ROWS = [
    "Bad Kind Group,dance,,",
    "Bad Stage Group,other,someday,",
    "Bad Days Group,other,,often",
    ",other,,",
    "Bad Lead Group,other,,30,nobody-here",
]


def _spreadsheet(tmp_path, demo_names: list[str]):
    lines = ["name,kind,stage,keep_in_touch_days,relationship_lead"]
    lines += [f"Imported Partner {i:03},mutual_aid,first_contact,30,manager" for i in range(185)]
    # Planted duplicates: the demo names as people retype them.
    lines += [
        f"{name.lower()},other,,729" if i % 2 else f"  {name.upper()}  ,other,,729" for i, name in enumerate(demo_names)
    ]
    lines += BAD_ROWS
    path = tmp_path / "partners.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_manager_imports_partners_chooses_for_duplicates_and_undoes(open_page, live_server, tmp_path):
    call_command("load_demo_data", verbosity=0)
    demo_names = list(Organization.objects.order_by("name").values_list("name", flat=True)[:10])
    assert len(demo_names) == 10
    before = Organization.objects.count()
    original_days = Organization.objects.get(name=demo_names[0]).keep_in_touch_days
    page = open_page()
    log_in(page, live_server, "manager", "demo-manager-pass")

    page.goto(live_server.url + "/partners/")
    page.get_by_role("link", name="Import", exact=True).click()
    check_page(page, "import upload")
    page.get_by_role("radio", name="Partners").check()
    page.get_by_label("CSV or XLSX file").set_input_files(_spreadsheet(tmp_path, demo_names))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("heading", name="Rows that may already be here").wait_for()
    check_page(page, "import preview")
    screenshot(page, "import-preview-desktop", max_height=1400)
    assert page.locator("#count-new").inner_text() == "185"
    assert page.locator("#count-duplicates").inner_text() == "10"
    assert page.locator("#count-problems").inner_text() == "5"
    assert Organization.objects.count() == before  # the preview is the dry run

    choices = page.locator("select[name^=choice_]")
    assert choices.count() == 10
    choices.nth(0).select_option(label="Update the existing one")
    choices.nth(1).select_option(label="Create a new one anyway")
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("Imported: 186 created, 1 updated, 8 skipped, 5 with problems not imported.").wait_for()
    assert Organization.objects.count() == before + 186
    updated = Organization.objects.get(name=demo_names[0])
    assert updated.keep_in_touch_days == 729

    page.goto(live_server.url + "/partners/import/undo/")
    check_page(page, "import undo")
    page.get_by_role("button", name="Undo the import").click()
    page.get_by_text("The import has been undone.").wait_for()
    assert Organization.objects.count() == before
    updated.refresh_from_db()
    assert updated.keep_in_touch_days == original_days
