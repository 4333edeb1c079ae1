"""On a laptop (1280 and 1440 px) every column of the CRM's lists is on
screen, on demo data: nothing hides off the right edge of a table (the
asked-versus-delivered columns did), and short words are not broken up."""

import pytest
from django.core.management import call_command

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# How many lines a cell's text takes.
LINES = "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
LISTS = ["/partners/", "/partners/interactions/", "/partners/requests/", "/partners/deliveries/"]


@pytest.mark.parametrize("width", [1280, 1440])
def test_every_column_of_every_list_is_on_screen(open_page, live_server, width):
    call_command("load_demo_data", verbosity=0)
    page = open_page(width=width, height=900)
    log_in(page, live_server, "manager", "demo-manager-pass")

    for path in LISTS:
        page.goto(live_server.url + path)
        hidden = page.evaluate(
            "Array.from(document.querySelectorAll('.table-container')).map(e => e.scrollWidth - e.clientWidth)"
        )
        assert hidden and max(hidden) <= 0, f"{path} at {width} px hides {max(hidden)} px of its table"
        # A status is never cut in the middle of a word.
        statuses = page.locator("td", has_text="Acknowledged")
        if statuses.count():
            lines = (
                "e => { const r = document.createRange(); r.selectNodeContents(e); return r.getClientRects().length; }"
            )
            assert statuses.first.evaluate(lines) == 1, f"{path} at {width} px breaks 'Acknowledged'"
