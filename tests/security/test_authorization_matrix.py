"""Every URL pattern of the project × every role × GET and POST, each with the
outcome written down in the tables below and asserted.

Roles: anonymous; a survey respondent (an anonymous client holding valid
survey links: the only role that has the tokens); a program manager;
leadership; the administrator (superuser); a signed-in user with no group;
a partner (a contact of the sample organization signed in to the portal,
the only role that holds a portal sign-in link). A partner gets 404 for
every staff and admin page, as for a page that does not exist
(portal/middleware.py); objects of another organization are in
test_portal_isolation.py.

Codes: 200, 400 (bad input, nothing saved), 403, 404, 405 (method not
allowed), L = redirected to the sign-in page (/accounts/login/?next=…),
A = redirected to the admin's sign-in page (/admin/login/?next=…), P =
redirected to the portal's sign-in page (/portal/sign-in/), 302 = any
other redirect. A `*` marks the only cells allowed to change the database
(a logout writes an audit event, a results page records that it was seen,
an administrator deletes); every other cell, GET or POST, must leave every
row of partners, surveys, crm and auth exactly as it was. A POST sends a
small body ({"matrix": "1"}) as a real form would, never a valid form.

The table fails when a pattern has no row (a new URL must be added here) and
when a row matches no pattern. A page shown with an object that does not
exist answers 404 to a role that could use the page, and exactly what it
answers for an existing object to a role that could not: nobody learns
whether an object exists without the right to see it.

Neither leadership nor a partner may ever receive a confidential note: a
canary note is planted on the sample interaction (of the partner's own
organization) and looked for in every response they get."""

import re

import pytest
from django.core.cache import caches
from django.db import transaction
from django.urls import reverse

from tests.security.conftest import (
    ALL_ROUTES,
    CANARY_NOTE,
    METHODS,
    ROLES,
    TOKEN_ATTRIBUTES,
    admin_url,
    client_for,
    kwargs_for,
    parse_kwargs,
    snapshot,
)

pytestmark = pytest.mark.django_db

POST_BODY = {"matrix": "1"}

TABLE = """
#                                                   anonymous  respondent manager    leader     admin      no group   partner
# route                      kwargs                 GET  POST  GET  POST  GET  POST  GET  POST  GET  POST  GET  POST  GET  POST
home                         -                      L    L     L    L     200  405   302  405   200  405   200  405   404  404
login                        -                      200  400   200  400   302  302   302  302   302  302   302  302   404  404
logout                       -                      L    L     L    L     405  302*  405  302*  405  302*  405  302*  404  404
password_change              -                      L    L     L    L     200  400   200  400   200  400   200  400   404  404
password_change_done         -                      L    L     L    L     200  405   200  405   200  405   200  405   404  404
two_factor:overview          -                      L    L     L    L     200  405   200  405   200  405   200  405   404  404
two_factor:setup             -                      L    L     L    L     200  400   200  400   200  400   200  400   404  404
two_factor:verify            -                      L    L     L    L     302  302   302  302   302  302   302  302   404  404
two_factor:recovery_codes    -                      L    L     L    L     405  302   405  302   405  302   405  302   404  404
two_factor:disable           -                      L    L     L    L     405  302   405  302   405  302   405  302   404  404
partners:organization_list   -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:organization_create -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:organization_bulk   -                      L    L     L    L     405  400   405  400   405  400   403  403   404  404
attachments:upload_partner   pk=organization        L    L     L    L     405  400   403  403   405  400   403  403   404  404
attachments:upload_interaction pk=interaction       L    L     L    L     405  400   403  403   405  400   403  403   404  404
attachments:upload_delivery  pk=delivery            L    L     L    L     405  400   403  403   405  400   403  403   404  404
attachments:download         pk=attachment          L    L     L    L     200* 405   404  405   200* 405   403  403   404  404
attachments:delete           pk=attachment          L    L     L    L     200  302*  403  403   200  302*  403  403   404  404
partners:tag_list            -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:tag_create          -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:tag_edit            pk=tag                 L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:tag_delete          pk=tag                 L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:organization_detail pk=organization        L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:organization_edit   pk=organization        L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:contact_create      organization_pk=org    L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:contact_list        -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:contact_detail      pk=contact             L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:contact_edit        pk=contact             L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:interaction_list    -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:interaction_start   -                      L    L     L    L     200  405   403  403   200  405   403  403   404  404
partners:interaction_create  organization_pk=org    L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:interaction_detail  pk=interaction         L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:interaction_edit    pk=interaction         L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:request_list        -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:request_create      organization_pk=org    L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:request_detail      pk=request             L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:request_edit        pk=request             L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:delivery_list       -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
partners:delivery_create     organization_pk=org    L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:delivery_edit       pk=delivery            L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:follow_up_done      pk=interaction         L    L     L    L     405  302*  403  403   405  302*  403  403   404  404
partners:follow_up_snooze    pk=interaction         L    L     L    L     405  302*  403  403   405  302*  403  403   404  404
partners:follow_up_reassign  pk=interaction         L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:calendar_feed       -                      L    L     L    L     200  400   200  400   200  400   403  403   404  404
partners:follow_up_calendar  token=calendar_token   404  405   404  405   200  405   404  405   404  405   404  405   404  404
partner_imports:upload      -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
partner_imports:confirm     -                      L    L     L    L     405  400   403  403   405  400   403  403   404  404
partner_imports:undo        -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:organization_delete pk=organization        L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:contact_delete      pk=contact             L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:interaction_delete  pk=interaction         L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:request_delete      pk=request             L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:delivery_delete     pk=delivery            L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:deletion_undo       pk=deleted_record      L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:organization_merge  pk=organization        L    L     L    L     200  400   403  403   200  400   403  403   404  404
partners:contact_merge       pk=contact             L    L     L    L     200  400   403  403   200  400   403  403   404  404
search:results               -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
dashboard:index              -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
dashboard:report             -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
dashboard:export             name=export_name       L    L     L    L     200* 405   200* 405   200* 405   403  403   404  404
dashboard:export_xlsx        name=export_name       L    L     L    L     200* 405   200* 405   200* 405   403  403   404  404
surveys:survey_list          -                      L    L     L    L     200  405   200  405   200  405   403  403   404  404
surveys:survey_create        -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:survey_detail        pk=survey              L    L     L    L     200  405   200  405   200  405   403  403   404  404
surveys:survey_edit          pk=survey              L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:survey_status        pk=survey              L    L     L    L     405  400   403  403   405  400   403  403   404  404
surveys:survey_copy          pk=survey              L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:survey_new_version   pk=survey              L    L     L    L     200  302*  403  403   200  302*  403  403   404  404
surveys:survey_preview       pk=survey              L    L     L    L     200  200   200  200   200  200   403  403   404  404
surveys:flag_dismiss         pk=survey              L    L     L    L     405  400   403  403   405  400   403  403   404  404
surveys:question_create      pk=draft               L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:question_edit        pk=draft_question      L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:question_move        pk=draft_question      L    L     L    L     405  400   403  403   405  400   403  403   404  404
surveys:question_delete      pk=draft_question      L    L     L    L     405  302*  403  403   405  302*  403  403   404  404
surveys:schedule_edit        pk=survey              L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:round_open           pk=survey              L    L     L    L     200  302   403  403   200  302   403  403   404  404
surveys:round_close          pk=round               L    L     L    L     200  302*  403  403   200  302*  403  403   404  404
surveys:round_extend         pk=round               L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:round_remind         pk=round               L    L     L    L     200  302*  403  403   200  302*  403  403   404  404
surveys:round_detail         pk=round               L    L     L    L     200  405   200  405   200  405   403  403   404  404
surveys:round_progress       pk=round               L    L     L    L     200  405   200  405   200  405   403  403   404  404
surveys:round_unknown        pk=round               L    L     L    L     405  400   403  403   405  400   403  403   404  404
surveys:round_poster         pk=round               L    L     L    L     302  405   403  403   302  405   403  403   404  404
surveys:survey_poster        pk=survey              L    L     L    L     200  405   403  403   200  405   403  403   404  404
surveys:survey_paper         pk=survey              L    L     L    L     200  405   200  405   200  405   403  403   404  404
surveys:round_cards          pk=round               L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:round_paper_entry    pk=round               L    L     L    L     200  302*  403  403   200  302*  403  403   404  404
surveys:loop_item_create     pk=round               L    L     L    L     405  400   403  403   405  400   403  403   404  404
surveys:loop_item_edit       pk=loop_item           L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:survey_results       pk=survey              L    L     L    L     200* 405   200* 405   200* 405   403  403   404  404
surveys:survey_results_csv   pk=survey              L    L     L    L     200* 405   200* 405   200* 405   403  403   404  404
surveys:mirrored_questions   -                      L    L     L    L     200* 405   200* 405   200* 405   403  403   404  404
surveys:privacy_rule         -                      L    L     L    L     200  405   200  405   200  405   200  405   404  404
surveys:pool_rounds          pk=survey              L    L     L    L     405  400   403  403   405  400   403  403   404  404
surveys:unit_review          pk=unit                L    L     L    L     200  302   403  403   200  302   403  403   404  404
surveys:unit_release         pk=unit                L    L     L    L     405  302*  403  403   405  302*  403  403   404  404
surveys:recipient_list       -                      L    L     L    L     200  405   403  403   200  405   403  403   404  404
surveys:recipient_create     -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:recipient_edit       pk=recipient           L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:recipient_import     -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:recipient_find       -                      L    L     L    L     405  302   403  403   405  302   403  403   404  404
surveys:recipient_groups     -                      L    L     L    L     200  400   403  403   200  400   403  403   404  404
surveys:thanks               -                      200  405   200  405   200  405   200  405   200  405   200  405   200  405
surveys:respond_shared       token=shared_token     404  404   200  400   404  404   404  404   404  404   404  404   404  404
surveys:respond              token=invitation_token 404  404   200  400   404  404   404  404   404  404   404  404   404  404
surveys:respond_short        code=short_code        404  404   200  400   404  404   404  404   404  404   404  404   404  404
surveys:respond_card         code=short_code        405  404   405  400   405  404   405  404   405  404   405  404   405  404
surveys:respond_short_done   code=short_code        404  405   200  405   404  405   404  405   404  405   404  405   404  405
surveys:respond_changes      code=short_code        404  405   200  405   404  405   404  405   404  405   404  405   404  405
surveys:opt_out              token=invitation_token 200  200   200  200*  200  200   200  200   200  200   200  200   200  200
surveys:one_click_opt_out    token=invitation_token 200  200   200  200*  200  200   200  200   200  200   200  200   200  200
portal:sign_in               -                      200  400   200  400   200  400   200  400   200  400   200  400   302  302
portal:link                  token=portal_link      404  404   404  404   404  404   404  404   404  404   404  404   200  302*
portal:sign_out              -                      P    P     P    P     P    P     P    P     P    P     P    P     405  302*
portal:signed_out            -                      200  405   200  405   200  405   200  405   200  405   200  405   200  405
portal:language              -                      P    P     P    P     P    P     P    P     P    P     P    P     405  302*
portal:home                  -                      P    P     P    P     P    P     P    P     P    P     P    P     200  405
portal:contact_add           -                      P    P     P    P     P    P     P    P     P    P     P    P     200  400
portal:contact_edit          pk=contact             P    P     P    P     P    P     P    P     P    P     P    P     200  400
portal:contact_remove        pk=contact             P    P     P    P     P    P     P    P     P    P     P    P     200  302*
portal:surveys_stop          pk=contact             P    P     P    P     P    P     P    P     P    P     P    P     405  302*
portal:preferences           -                      P    P     P    P     P    P     P    P     P    P     P    P     200  302
portal:ask                   -                      P    P     P    P     P    P     P    P     P    P     P    P     200  400
portal:request_detail        pk=request             P    P     P    P     P    P     P    P     P    P     P    P     200  405
portal:delivery_confirm      pk=delivery            P    P     P    P     P    P     P    P     P    P     P    P     200  400
portal:export_json           -                      P    P     P    P     P    P     P    P     P    P     P    P     200* 405
portal:export_csv            -                      P    P     P    P     P    P     P    P     P    P     P    P     200* 405
portal:deletion              -                      P    P     P    P     P    P     P    P     P    P     P    P     200  400
portal:invite                pk=contact             L    L     L    L     200  400   403  403   200  400   403  403   404  404
portal:revoke                pk=portal_access       L    L     L    L     405  302*  403  403   405  302*  403  403   404  404
portal:delete_record         pk=org                 L    L     L    L     200  302*  403  403   200  302*  403  403   404  404
"""

# The admin is one family: only the administrator gets in; everyone else is
# sent to a sign-in page (the admin's own pages send to the admin's, the
# model pages to the site's, because LoginRequiredMiddleware answers first),
# and a signed-in user without staff status who asks the admin to log out is
# sent to the admin index. URLs are built by rule (conftest.admin_url), so a
# new ModelAdmin is covered as soon as the dataset has a row of its model.
# Rows are regular expressions matched against the route name (or the
# pattern, for unnamed ones); the first row that matches applies.
ADMIN_TABLE = r"""
#                                                   anonymous  respondent manager    leader     admin      no group   partner
# route (regular expression)                        GET  POST  GET  POST  GET  POST  GET  POST  GET  POST  GET  POST  GET  POST
admin:login                                         200  200   200  200   200  200   200  200   302  200   200  200   404  404
admin:logout                                        A    A     A    A     302  302   302  302   405  302*  302  302   404  404
admin:(index|app_list|password_change)              A    A     A    A     A    A     A    A     200  200   A    A     404  404
admin:(password_change_done|jsi18n)                 A    A     A    A     A    A     A    A     200  405   A    A     404  404
admin:autocomplete                                  A    A     A    A     A    A     A    A     403  405   A    A     404  404
admin:view_on_site                                  A    A     A    A     A    A     A    A     302  302   A    A     404  404
admin/\(\?P<url>\.\*\)\$                            A    A     A    A     A    A     A    A     404  404   A    A     404  404
admin/\w+/\w+/<path:object_id>/                     L    L     L    L     A    A     A    A     302  302   A    A     404  404
# Read-only by design: the audit trail, sending state, lockout records, digests.
admin:(axes_\w+|audit_\w+|digests_\w+|accounts_\w+|attachments_\w+)_add L    L     L    L     A    A     A    A     403  403   A    A     404  404
admin:surveys_(invitation|round)_add                L    L     L    L     A    A     A    A     403  403   A    A     404  404
admin:(audit_auditevent|surveys_invitation|attachments_attachment)_change L L L L A A A A 200 403 A A 404 404
admin:audit_auditevent_delete                       L    L     L    L     A    A     A    A     403  403   A    A     404  404
admin:(axes_\w+|digests_digest)_change              L    L     L    L     A    A     A    A     200  302   A    A     404  404
# Two-factor login: the policy is one row, changed (audited), never deleted;
# devices are seen and deleted only (a reset), never added or edited.
admin:accounts_twofactorpolicy_change               L    L     L    L     A    A     A    A     200  302*  A    A     404  404
admin:accounts_twofactorpolicy_delete               L    L     L    L     A    A     A    A     403  403   A    A     404  404
admin:otp_\w+_add                                   L    L     L    L     A    A     A    A     403  403   A    A     404  404
admin:otp_\w+_change                                L    L     L    L     A    A     A    A     200  403   A    A     404  404
# An administrator may delete, except what other rows depend on.
admin:auth_user_delete                              L    L     L    L     A    A     A    A     200  200   A    A     404  404
admin:partners_(organization|supportrequest)_delete L    L     L    L     A    A     A    A     200  200   A    A     404  404
admin:surveys_survey_delete                         L    L     L    L     A    A     A    A     200  200   A    A     404  404
admin:\w+_delete                                    L    L     L    L     A    A     A    A     200  302*  A    A     404  404
admin:\w+_(changelist|add|change|history)           L    L     L    L     A    A     A    A     200  200   A    A     404  404
admin:\w+_(simple_history|password_change)          L    L     L    L     A    A     A    A     200  200   A    A     404  404
"""

REFUSALS = {"L", "A", "P", "403", "405"}


def _cells(codes: list[str]) -> dict[tuple[str, str], str]:
    assert len(codes) == len(ROLES) * len(METHODS), codes
    pairs = [(role, method) for role in ROLES for method in METHODS]
    return dict(zip(pairs, codes, strict=True))


def _rows(table: str):
    for line in table.strip().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line.split()


EXPECTED = {row[0]: (row[1], _cells(row[2:])) for row in _rows(TABLE)}
ADMIN_RULES = [(re.compile(row[0]), _cells(row[1:])) for row in _rows(ADMIN_TABLE)]


def expected_for(route) -> tuple[str, dict] | None:
    """(kwargs spec, cells) for a route, or None when the tables miss it."""
    if not route.is_admin:
        return EXPECTED.get(route.key)
    for rule, cells in ADMIN_RULES:
        if rule.fullmatch(route.key):
            return "-", cells
    return None


def outcome(response) -> str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("login") + "?next="):
            return "L"
        if location.startswith(reverse("admin:login") + "?next="):
            return "A"
        if location == reverse("portal:sign_in"):
            return "P"
    return str(response.status_code)


def run_cell(data, role: str, method: str, url: str, before: tuple | None = None):
    """One request in a savepoint that is rolled back, so cells cannot
    affect each other. Returns the response and whether any row changed
    from `before` (the test's baseline)."""
    client = client_for(data, role)
    before = snapshot(data) if before is None else before
    for cache in caches.all():
        cache.clear()  # rate limits count in the cache: no cell uses up another's
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, POST_BODY)
        changed = snapshot(data) != before
        transaction.set_rollback(True)
    return response, changed


def check(data, route, role, method, url, code: str, stats: dict, before: tuple) -> list[str]:
    response, changed = run_cell(data, role, method, url, before)
    where = f"{route.key} {role:<13} {method:<4} {url}"
    problems = []
    if outcome(response) != code.rstrip("*"):
        problems.append(f"{where}: expected {code}, got {outcome(response)}")
    if not code.endswith("*"):
        stats["no_change_asserted"] += 1
        if changed:
            problems.append(f"{where}: answered {response.status_code} and changed rows")
    # Nothing a page sends may stay in a shared laptop's browser cache, and
    # no page may use the camera, microphone or location (core/middleware.py).
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"{where}: no Cache-Control: no-store")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"{where}: no Permissions-Policy")
    stats["headers_checked"] += 1
    if role in ("leader", "partner"):
        stats[f"{role}_responses_checked"] += 1
        if CANARY_NOTE.encode() in response.content:
            stats["canary_hits"] += 1
            problems.append(f"{where}: {role} received the confidential note")
    return problems


def missing_code(code: str) -> str:
    """Nobody learns that an object exists without the right to see it."""
    return code.rstrip("*") if code.rstrip("*") in REFUSALS else "404"


@pytest.fixture(scope="module")
def stats(figures):
    counts = dict.fromkeys(
        [
            "patterns",
            "cells",
            "missing_object_cells",
            "no_change_asserted",
            "headers_checked",
            "leader_responses_checked",
            "partner_responses_checked",
            "canary_hits",
        ],  # fmt: skip
        0,
    )
    yield counts
    counts |= {"roles": len(ROLES), "methods": len(METHODS), "complete": counts["patterns"] == len(ALL_ROUTES)}
    figures["authorization-matrix"] = counts


def test_every_url_pattern_has_a_row():
    missing = [route.key for route in ALL_ROUTES if expected_for(route) is None]
    assert not missing, f"add these URL patterns to the table: {missing}"


def test_every_row_matches_a_url_pattern():
    keys = {route.key for route in ALL_ROUTES}
    stale = [key for key in EXPECTED if key not in keys]
    unused = [rule.pattern for rule, _ in ADMIN_RULES if not any(rule.fullmatch(k) for k in keys)]
    assert not stale + unused, f"rows that match no URL pattern: {stale + unused}"


@pytest.mark.parametrize("route", ALL_ROUTES, ids=lambda route: route.key)
def test_url_for_every_role_and_method(dataset, baseline, route, stats):
    found = expected_for(route)
    if found is None:
        pytest.fail(f"{route.key} has no row in the table")
    spec, cells = found
    objects = [name for name, attribute in parse_kwargs(spec).items() if attribute not in TOKEN_ATTRIBUTES]
    problems = []
    for (role, method), code in cells.items():
        if route.is_admin:
            url = admin_url(dataset, route)
        else:
            url = reverse(route.key, kwargs=kwargs_for(dataset, spec, role))
        problems += check(dataset, route, role, method, url, code, stats, baseline)
        stats["cells"] += 1
        if objects:
            missing_url = reverse(route.key, kwargs=kwargs_for(dataset, spec, role, missing=True))
            problems += check(dataset, route, role, method, missing_url, missing_code(code), stats, baseline)
            stats["missing_object_cells"] += 1
    stats["patterns"] += 1
    assert not problems, "\n".join(problems)


def test_the_canary_is_really_there_for_program_managers(dataset):
    """Without this, the leadership check above could pass on a page that
    shows no notes to anyone."""
    url = reverse("partners:interaction_detail", args=[dataset.interaction.pk])
    response, _ = run_cell(dataset, "manager", "GET", url)

    assert CANARY_NOTE in response.content.decode()


@pytest.mark.parametrize("name", ["organization_list", "interaction_list", "request_list", "delivery_list"], ids=str)
def test_leadership_exports_carry_no_confidential_note(dataset, name):
    response, _ = run_cell(dataset, "leader", "GET", reverse(f"partners:{name}") + "?_export=csv")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert CANARY_NOTE.encode() not in response.content
