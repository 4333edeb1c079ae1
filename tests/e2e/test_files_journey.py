"""A program manager attaches files to an interaction, one of them part of
the confidential notes, with JavaScript off; leadership then sees the
other file but not even the name of the confidential one."""

import pytest
from django.core.management import call_command

from attachments.models import Attachment
from partners.models import Interaction

from .conftest import SCREENSHOTS, check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n%%EOF\n"


def test_manager_attaches_files_and_leadership_never_sees_the_confidential_one(open_page, live_server):
    call_command("load_demo_data", verbosity=0)
    interaction = Interaction.objects.order_by("pk").first()
    url = live_server.url + interaction.get_absolute_url()
    page = open_page(javascript=False)
    log_in(page, live_server, "manager", "demo-manager-pass")

    page.goto(url)
    page.set_input_files(
        "input[type=file]", files=[{"name": "flyer.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("flyer.pdf attached.").wait_for()
    page.set_input_files(
        "input[type=file]", files=[{"name": "safety-plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_label("Part of the confidential notes (only people who may read them see it)").check()
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("safety-plan.pdf attached.").wait_for()
    check_page(page, "interaction with files")
    page.locator("section.files").screenshot(path=str(SCREENSHOTS / "files-desktop.png"))
    assert Attachment.objects.filter(interaction=interaction, confidential=True).count() == 1

    # A file that is not what its name says: a clear page, nothing saved.
    page.set_input_files(
        "input[type=file]", files=[{"name": "photo.pdf", "mimeType": "application/pdf", "buffer": b"GIF89a"}]
    )
    page.get_by_role("button", name="Attach").click()
    page.get_by_text("whose content matches its name").wait_for()
    check_page(page, "file refused")
    assert Attachment.objects.count() == 2

    leader = open_page(javascript=False)
    log_in(leader, live_server, "leader", "demo-leader-pass")
    leader.goto(url)
    assert leader.get_by_role("link", name="flyer.pdf").is_visible()
    assert "safety-plan" not in leader.content()
