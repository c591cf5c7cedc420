"""The permission matrix: every page and endpoint, for every role, the outsider and an anonymous
visitor, in one place.

A row says what each visitor gets; tests/test_permissions_matrix.py tries every row as every
visitor, and tests/test_routes_covered.py fails when a route has no row here. A new page or
endpoint gets its rows in the area it belongs to below.

The world (tests/conftest.py and tests/builders.py): the coach coaches "rep" and runs the rep's
plan; the stakeholder follows "rep"; nobody coaches or follows "other_rep" (the admin runs their
plan and sees every rep); "outsider" is the admin of another workspace, "globex".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from followthrough.accounts.models import Invitation, Role
from followthrough.clients import binder as binders
from followthrough.clients.models import ClientCheckIn
from followthrough.coaching import actions
from followthrough.coaching.models import Response
from followthrough.followups.models import Delivery, Suppression
from followthrough.metrics.models import Metric
from followthrough.webhooks import actions as webhook_actions
from followthrough.webhooks.models import Endpoint
from tests import binder_helpers, programs_helpers
from tests.adoption_matrix import ROWS as ADOPTION
from tests.builders import (
    answer_of,
    commitment_of,
    followup_to,
    next_week,
    opportunity_of,
    other_reps_opportunity,
    plan_of,
    review_of,
    rows_of_rep,
    run_of_rep,
    session_of,
)
from tests.clients_helpers import client_of, complaint_of
from tests.conftest import World
from tests.programs_matrix import RUBRIC_ROWS

VISITORS = ["admin", "coach", "rep", "other_rep", "stakeholder", "outsider", None]
LOGIN = "login"  # a redirect to the login page
# Private texts the builders write (an opportunity's account and next step): a refusal never
# shows them.
NEVER_ON_A_REFUSAL = ("Secret next step", "Account of")


@dataclass
class Row:
    name: str
    method: str
    url: Callable[[World], str]
    expected: dict[str | None, int | str]
    data: Callable[[World], dict[str, object]] | None = None
    # Settings the row is tried under (a provider's webhook exists only when one is set up).
    settings: dict[str, Any] | None = None

    def __str__(self) -> str:
        return self.name


def rep_token(w: World) -> Any:
    from followthrough.api.actions import create_token

    rep = w.members["rep"]
    return create_token(rep, name="CRM", scope="read", expiry_days=30, by=rep.user)[0]


# What each visitor gets -----------------------------------------------------------------------


def everyone(status: int, outsider: int | None = None, anonymous: int | str = LOGIN) -> dict:
    table: dict[str | None, int | str] = {v: status for v in VISITORS}
    if outsider is not None:
        table["outsider"] = outsider
    table[None] = anonymous
    return table


def by_role(**statuses: int | str) -> dict[str | None, int | str]:
    table: dict[str | None, int | str] = {"outsider": 404, None: LOGIN}
    table.update(statuses)
    return table


NOBODY = by_role(admin=404, coach=404, rep=404, other_rep=404, stakeholder=404)
# The rep's pages: the rep, their coach, the admins and the stakeholder who follows them.
VIEW_REP = by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200)
VIEW_OTHER = by_role(admin=200, coach=403, rep=403, other_rep=200, stakeholder=403)
# Those who run the rep's plan: the coach and the admins.
RUN = by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403)
RUN_PAGE = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403)
ANYONE_WITH_THE_LINK: dict[str | None, int | str] = {v: 200 for v in VISITORS}
# The rep's words are shared by the rep, or by whoever runs the plan with the rep's agreement.
SHARE = by_role(admin=302, coach=302, rep=302, other_rep=403, stakeholder=403)
DASHBOARD = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=200)
ADMIN_ONLY = by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403)
ADMIN_WRITES = by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403)
IMPORTERS = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=403)
# The rep's own run: the rep and admins; the coach of the rep too is refused (404: not theirs).
THE_RUN = by_role(admin=200, coach=404, rep=200, other_rep=404, stakeholder=403)
THE_RUN_WRITES = by_role(admin=302, coach=404, rep=302, other_rep=404, stakeholder=403)
# A stakeholder may not import at all: refused before the method is looked at.
IMPORT_POST_ONLY = by_role(admin=405, coach=405, rep=405, other_rep=405, stakeholder=403)
EVERY_MEMBER = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=200)
WRITERS = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=403)
CHANGE_REP = by_role(admin=302, coach=302, rep=302, other_rep=403, stakeholder=403)
CHANGE_OTHER = by_role(admin=302, coach=403, rep=403, other_rep=302, stakeholder=403)
POST_ONLY = by_role(admin=405, coach=405, rep=405, other_rep=405, stakeholder=405)


# Addresses and form data ----------------------------------------------------------------------


def member_url(view: str, key: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", w.members[key].pk])


def object_url(view: str, make: Callable[[World], Any]) -> Callable[[World], str]:
    """The view's address for an object made fresh in the visitor's world."""
    return lambda w: reverse(view, args=["acme", make(w).pk])


def invitation_url(view: str) -> Callable[[World], str]:
    def build(w: World) -> str:
        invitation = Invitation.objects.create(
            workspace=w.workspace, email="new@example.org", role=Role.REP
        )
        return reverse(view, args=["acme", invitation.pk])

    return build


def followup_url(view: str, to: str) -> Callable[[World], str]:
    return object_url(view, lambda w: followup_to(w, to))


def run_url(view: str, checked: bool = True, query: str = "") -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", run_of_rep(w, checked).pk]) + query


def calls_url(w: World) -> str:
    return reverse("metric_edit", args=["acme", Metric.of(w.workspace).get(name="Calls made").pk])


def a_file(w: World) -> dict[str, object]:
    return {"file": SimpleUploadedFile("numbers.csv", rows_of_rep().encode())}


METRIC = {"name": "Policies sold", "unit": "policies", "kind": "result", "position": 9}


def details(w: World) -> dict[str, object]:
    """An opportunity's form, owned by "rep"."""
    return {
        "owner": w.members["rep"].pk,
        "account": "Changed",
        "value": "5000",
        "currency": "USD",
        "stage": "lead",
        "expected_close_on": (timezone.localdate() + dt.timedelta(days=10)).isoformat(),
    }


# Account, workspaces and members --------------------------------------------------------------

ACCOUNT_AND_MEMBERS = [
    Row("home", "get", lambda w: reverse("home"), everyone(302)),
    Row("workspaces", "get", lambda w: reverse("workspaces"), everyone(200)),
    Row("profile", "get", lambda w: reverse("profile"), everyone(200)),
    # Personal API tokens: each person's own; another's token is not found.
    Row("api tokens", "get", lambda w: reverse("api_tokens"), everyone(200)),
    Row(
        "api token revoke (the rep's)",
        "post",
        lambda w: reverse("api_token_revoke", args=[rep_token(w).pk]),
        by_role(admin=404, coach=404, rep=302, other_rep=404, stakeholder=404),
    ),
    Row("password change", "get", lambda w: reverse("password_change"), everyone(200)),
    Row(
        "workspace home",
        "get",
        lambda w: reverse("workspace_home", args=["acme"]),
        everyone(200, outsider=404),
    ),
    Row(
        "workspace settings",
        "get",
        lambda w: reverse("workspace_settings", args=["acme"]),
        by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "people",
        "get",
        lambda w: reverse("people", args=["acme"]),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a rep's page",
        "get",
        member_url("member_detail", "rep"),
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200),
    ),
    Row(
        "another rep's page",
        "get",
        member_url("member_detail", "other_rep"),
        by_role(admin=200, coach=200, rep=403, other_rep=200, stakeholder=403),
    ),
    Row(
        "the coach's page",
        "get",
        member_url("member_detail", "coach"),
        by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403),
    ),
    Row(
        "invitations",
        "get",
        lambda w: reverse("invitations", args=["acme"]),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "invite a rep",
        "post",
        lambda w: reverse("invitations", args=["acme"]),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"email": "fresh@example.org", "role": "rep"},
    ),
    Row(
        "change a role",
        "post",
        member_url("member_role", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"role": "coach"},
    ),
    Row(
        "deactivate",
        "post",
        member_url("member_deactivate", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "reactivate",
        "post",
        member_url("member_reactivate", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "set relationships",
        "post",
        member_url("member_relationships", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"coaches": [w.members["coach"].pk]},
    ),
    Row(
        "resend invitation",
        "post",
        invitation_url("invitation_resend"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "withdraw invitation",
        "post",
        invitation_url("invitation_revoke"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "django admin",
        "get",
        lambda w: reverse("admin:index"),
        {v: 302 for v in VISITORS},  # nobody here is staff: all go to the admin's login
    ),
]

# The outbox: follow-ups to reps ---------------------------------------------------------------

OUTBOX = [
    Row(
        "outbox",
        "get",
        lambda w: reverse("outbox", args=["acme"]),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a follow-up to a coached rep",
        "get",
        followup_url("followup_detail", "rep"),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a follow-up to a rep the coach does not coach",
        "get",
        followup_url("followup_detail", "other_rep"),
        by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "cancel a follow-up",
        "post",
        followup_url("followup_cancel", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "cancel another coach's rep's follow-up",
        "post",
        followup_url("followup_cancel", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "reschedule a follow-up",
        "post",
        followup_url("followup_reschedule", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"send_at": "2099-01-05T09:00"},
    ),
    Row(
        "send a follow-up now",
        "post",
        followup_url("followup_send_now", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "retry a follow-up",
        "post",
        followup_url("followup_retry", "rep"),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "retry all failed follow-ups",
        "post",
        lambda w: reverse("outbox_retry_failed", args=["acme"]),
        by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
]

# Addresses held back after a bounce, and the providers' delivery webhooks ----------------------


def suppression_of(w: World) -> Suppression:
    return Suppression.objects.create(
        workspace=w.workspace, address="rep@example.org", reason=Delivery.BOUNCED
    )


def hook_url(provider: str) -> Callable[[World], str]:
    return lambda w: reverse("delivery_webhook", args=[provider])


MAILGUN = {
    "EMAIL_PROVIDER": "mailgun",
    "ANYMAIL": {"MAILGUN_WEBHOOK_SIGNING_KEY": "signing-key-of-the-matrix"},
}
POSTMARK = {"EMAIL_PROVIDER": "postmark", "ANYMAIL": {"WEBHOOK_SECRET": "hooks:matrix-secret-0123"}}

DELIVERY = [
    Row(
        "addresses held back",
        "get",
        lambda w: reverse("suppressions", args=["acme"]),
        ADMIN_ONLY,
    ),
    Row(
        "let mail go to an address again",
        "post",
        object_url("suppression_lift", suppression_of),
        ADMIN_WRITES,
    ),
    # Public endpoints, signed by the provider: nobody gets in by being logged in.
    Row(
        "a delivery webhook no provider is set up for",
        "post",
        hook_url("mailgun"),
        everyone(404, anonymous=404),
    ),
    Row(
        "Mailgun's delivery webhook, with a forged signature",
        "post",
        hook_url("mailgun"),
        everyone(400, anonymous=400),
        data=lambda w: {"token": "t", "timestamp": "1796720400", "signature": "forged"},
        settings=MAILGUN,
    ),
    Row(
        "Postmark's delivery webhook, without its secret",
        "post",
        hook_url("postmark"),
        everyone(400, anonymous=400),
        data=lambda w: {"RecordType": "Bounce"},
        settings=POSTMARK,
    ),
]

# The coaching loop: plans, sessions, commitments, answers, to-dos -----------------------------

COACHING = [
    Row(
        "plans",
        "get",
        lambda w: reverse("plans", args=["acme"]),
        by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=200),
    ),
    Row("new plan form", "get", lambda w: reverse("plan_new", args=["acme"]), RUN_PAGE),
    Row(
        "open a plan",
        "post",
        lambda w: reverse("plan_new", args=["acme"]),
        RUN,
        data=lambda w: {
            "rep": w.members["rep"].pk,
            "coach": w.members["coach"].pk,
            "purpose": "Grow",
            "starts_on": "2099-01-01",
            "deadline": "2099-02-01",
            "sessions_per_week": 1,
        },
    ),
    Row("a coached rep's plan", "get", object_url("plan_detail", plan_of), VIEW_REP),
    Row(
        "another rep's plan",
        "get",
        object_url("plan_detail", lambda w: plan_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    # A manager coached in a program (the admin coaches "coach"): the manager and their coach
    # see it; the manager's reps, other reps and stakeholders do not.
    Row(
        "a coached manager's plan",
        "get",
        object_url("plan_detail", lambda w: plan_of(w, "coach")),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a coached manager's own coaching",
        "get",
        lambda w: reverse("my_coaching", args=["acme"]),
        by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=403),
    ),
    Row("edit a plan", "get", object_url("plan_edit", plan_of), RUN_PAGE),
    Row(
        "schedule a session",
        "post",
        object_url("session_new", plan_of),
        RUN,
        data=lambda w: {"starts_at": "2099-01-06T10:00", "duration_minutes": 45, "invite": "on"},
    ),
    Row("a session", "get", object_url("session_detail", session_of), VIEW_REP),
    Row(
        "another rep's session",
        "get",
        object_url("session_detail", lambda w: session_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row(
        "save notes",
        "post",
        object_url("session_notes", session_of),
        RUN,
        data=lambda w: {"summary": "x"},
    ),
    Row(
        "add a commitment",
        "post",
        object_url("commitment_add", session_of),
        RUN,
        data=lambda w: {"text": "Call", "owner": w.members["rep"].pk, "due_on": next_week()},
    ),
    Row(
        "finish a session",
        "post",
        object_url("session_finish", session_of),
        RUN,
        data=lambda w: {"confirm_empty": "1", "held_now": "1"},
    ),
    Row(
        "move a session",
        "post",
        object_url("session_move", session_of),
        RUN,
        data=lambda w: {"starts_at": "2099-01-07T10:00", "duration_minutes": 30},
    ),
    Row("cancel a session", "post", object_url("session_cancel", session_of), RUN),
    Row("a commitment", "get", object_url("commitment_detail", commitment_of), VIEW_REP),
    Row(
        "a coached manager's commitment",
        "get",
        object_url("commitment_detail", lambda w: commitment_of(w, "coach")),
        by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a coached manager reports on their commitment",
        "post",
        object_url("commitment_report", lambda w: commitment_of(w, "coach")),
        by_role(admin=403, coach=302, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"answer": "partly", "measure_0": "3"},
    ),
    Row(
        "another rep's commitment",
        "get",
        object_url("commitment_detail", lambda w: commitment_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row(
        "change a commitment",
        "post",
        object_url("commitment_edit", commitment_of),
        RUN,
        data=lambda w: {"text": "Call twelve", "due_on": next_week()},
    ),
    Row("drop a commitment", "post", object_url("commitment_drop", commitment_of), RUN),
    Row(
        "record an outcome",
        "post",
        object_url("commitment_outcome", commitment_of),
        RUN,
        data=lambda w: {"state": "missed"},
    ),
    Row(
        "report progress",
        "post",
        object_url("commitment_report", commitment_of),
        by_role(admin=403, coach=403, rep=302, other_rep=403, stakeholder=403),
        data=lambda w: {"answer": "partly", "measure_0": "3"},
    ),
    Row(
        "reply to an answer",
        "post",
        lambda w: reverse("commitment_reply", args=["acme", answer_of(w).commitment_id]),
        RUN,
        data=lambda w: {"response": Response.objects.latest("pk").pk, "text": "Well done"},
    ),
    Row(
        "share the plan's why",
        "post",
        object_url("plan_share", plan_of),
        SHARE,
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row(
        "share a session's summary",
        "post",
        object_url("session_share", session_of),
        SHARE,
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row(
        "share an answer's comment",
        "post",
        object_url("response_share", answer_of),
        SHARE,
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row(
        "another rep's answer's comment",
        "post",
        object_url(
            "response_share",
            lambda w: actions.record_response(commitment_of(w, "other_rep"), answer="done"),
        ),
        by_role(admin=302, coach=403, rep=403, other_rep=302, stakeholder=403),
        data=lambda w: {"shared": "1", "rep_agreed": "1"},
    ),
    Row("to-dos", "get", lambda w: reverse("todos", args=["acme"]), RUN_PAGE),
    Row(
        "tick the coach's to-do",
        "post",
        object_url("todo_tick", lambda w: actions.add_todo(w.members["coach"], text="Call Bob")),
        by_role(admin=404, coach=302, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "check-in link",
        "get",
        lambda w: reverse("checkin", args=[commitment_of(w).checkin_token()]),
        ANYONE_WITH_THE_LINK,
    ),
]

# Clients after the sale: contacts for those who keep the rep's pipeline (not stakeholders);
# the client's own pages open with a signed link, for anyone who has it.

VIEW_CLIENT = by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=403)
EDIT_CLIENT = by_role(admin=302, coach=302, rep=302, other_rep=403, stakeholder=403)
CONTACT: dict[str, object] = {
    "name": "Dana Client",
    "email": "",
    "company": "Dana Co",
    "language": "en",
}

CLIENT_SETTINGS: dict[str, object] = {
    "days_after_won": "30",
    "send_time": "10:00",
    "sender": "manager",
    "reminder_working_days": "5",
    "throttle_days": "90",
    "time_zone": "",
}

CLIENTS = [
    Row("clients", "get", lambda w: reverse("contact_list", args=["acme"]), WRITERS),
    Row(
        "client check-in settings",
        "get",
        lambda w: reverse("client_settings", args=["acme"]),
        ADMIN_ONLY,
    ),
    Row(
        "change the client check-in settings",
        "post",
        lambda w: reverse("client_settings", args=["acme"]),
        ADMIN_WRITES,
        data=lambda w: CLIENT_SETTINGS,
    ),
    Row("new client form", "get", lambda w: reverse("contact_new", args=["acme"]), WRITERS),
    Row(
        "add a client",
        "post",
        lambda w: reverse("contact_new", args=["acme"]),
        by_role(admin=302, coach=302, rep=302, other_rep=302, stakeholder=403),
        data=lambda w: CONTACT,
    ),
    Row("a coached rep's client", "get", object_url("contact_detail", client_of), VIEW_CLIENT),
    Row(
        "edit a coached rep's client",
        "post",
        object_url("contact_detail", client_of),
        EDIT_CLIENT,
        data=lambda w: CONTACT,
    ),
    Row(
        "another rep's client",
        "get",
        object_url("contact_detail", lambda w: client_of(w, "other_rep")),
        by_role(admin=200, coach=403, rep=403, other_rep=200, stakeholder=403),
    ),
    Row(
        "name a client on a coached rep's deal",
        "post",
        object_url("deal_contact_add", opportunity_of),
        CHANGE_REP,
        data=lambda w: {"contact": ""},
    ),
    Row(
        "name a client by GET",
        "get",
        object_url("deal_contact_add", opportunity_of),
        POST_ONLY,
    ),
    Row(
        "take a client off a coached rep's deal",
        "post",
        lambda w: (lambda c: reverse("deal_contact_remove", args=["acme", c.deals.get().pk, c.pk]))(
            client_of(w)
        ),
        CHANGE_REP,
    ),
    Row(
        "take a client off another rep's deal",
        "post",
        lambda w: (lambda c: reverse("deal_contact_remove", args=["acme", c.deals.get().pk, c.pk]))(
            client_of(w, "other_rep")
        ),
        CHANGE_OTHER,
    ),
    Row(
        "mark a coached rep's client called back",
        "post",
        object_url("client_called_back", complaint_of),
        CHANGE_REP,
    ),
    Row(
        "mark another rep's client called back",
        "post",
        object_url("client_called_back", lambda w: complaint_of(w, "other_rep")),
        CHANGE_OTHER,
    ),
    Row(
        "client survey link",
        "get",
        lambda w: reverse("client_answer", args=[complaint_of(w).survey_token()]) + "?score=9",
        ANYONE_WITH_THE_LINK,
    ),
    Row(
        "client consent, from the survey",
        "get",
        lambda w: reverse("client_consent", args=[complaint_of(w).survey_token()]),
        ANYONE_WITH_THE_LINK,
    ),
    Row(
        "client consent withdraw link",
        "get",
        lambda w: complaint_of(w).withdraw_url().removeprefix("http://testserver"),
        ANYONE_WITH_THE_LINK,
    ),
    Row(
        "client unsubscribe link",
        "get",
        lambda w: reverse("client_unsubscribe", args=[client_of(w).unsubscribe_token()]),
        ANYONE_WITH_THE_LINK,
    ),
]

# History: the plan's and the rep's follow the plan's and the rep's own pages ------------------

HISTORY = [
    Row("a coached rep's plan history", "get", object_url("plan_history", plan_of), VIEW_REP),
    Row(
        "another rep's plan history",
        "get",
        object_url("plan_history", lambda w: plan_of(w, "other_rep")),
        VIEW_OTHER,
    ),
    Row("a coached rep's history", "get", member_url("rep_history", "rep"), VIEW_REP),
    Row("another rep's history", "get", member_url("rep_history", "other_rep"), VIEW_OTHER),
    Row("a coach has no history page", "get", member_url("rep_history", "coach"), NOBODY),
]

# Metrics and the CSV import: only admins manage metrics; reps, coaches and admins import; an
# import belongs to the member who uploaded it, and only they and the admins see it ------------

METRICS_AND_IMPORTS = [
    Row(
        "log my day",
        "get",
        lambda w: reverse("day_log", args=["acme"]),
        by_role(admin=403, coach=403, rep=200, other_rep=200, stakeholder=403),
    ),
    Row(
        "rate my confidence",
        "post",
        lambda w: reverse("confidence", args=["acme"]),
        by_role(admin=403, coach=403, rep=302, other_rep=302, stakeholder=403),
        data=lambda w: {"rating": 4},
    ),
    Row("metrics", "get", lambda w: reverse("metrics", args=["acme"]), ADMIN_ONLY),
    Row(
        "add a metric",
        "post",
        lambda w: reverse("metrics", args=["acme"]),
        ADMIN_WRITES,
        data=lambda w: METRIC,
    ),
    Row("edit a metric form", "get", calls_url, ADMIN_ONLY),
    Row("edit a metric", "post", calls_url, ADMIN_WRITES, data=lambda w: METRIC),
    Row("import page", "get", lambda w: reverse("import_new", args=["acme"]), IMPORTERS),
    Row(
        "upload a file",
        "post",
        lambda w: reverse("import_new", args=["acme"]),
        by_role(admin=302, coach=302, rep=302, other_rep=302, stakeholder=403),
        data=a_file,
    ),
    Row("the rep's import", "get", run_url("import_detail"), THE_RUN),
    Row(
        "its problems as CSV",
        "get",
        run_url("import_detail", query="?download=problems"),
        THE_RUN,
    ),
    Row("check the next rows", "post", run_url("import_step", checked=False), THE_RUN_WRITES),
    Row("check by GET", "get", run_url("import_step", checked=False), IMPORT_POST_ONLY),
    Row("import the good rows", "post", run_url("import_confirm"), THE_RUN_WRITES),
    Row("confirm by GET", "get", run_url("import_confirm"), IMPORT_POST_ONLY),
    Row("discard", "post", run_url("import_discard"), THE_RUN_WRITES),
    Row("discard by GET", "get", run_url("import_discard"), IMPORT_POST_ONLY),
]

# The pipeline: every member reads the pipelines of the reps they may see; stakeholders only read

PIPELINE = [
    Row("board", "get", lambda w: reverse("pipeline_board", args=["acme"]), EVERY_MEMBER),
    Row("list", "get", lambda w: reverse("pipeline_list", args=["acme"]), EVERY_MEMBER),
    Row(
        "list filtered by owner",
        "get",
        lambda w: reverse("pipeline_list", args=["acme"]) + f"?owner={w.members['rep'].pk}",
        EVERY_MEMBER,
    ),
    Row(
        "new opportunity form", "get", lambda w: reverse("opportunity_new", args=["acme"]), WRITERS
    ),
    Row(
        "add an opportunity",
        "post",
        lambda w: reverse("opportunity_new", args=["acme"]),
        # Reps create for themselves whatever owner is sent; coaches and admins for "rep".
        by_role(admin=302, coach=302, rep=302, other_rep=302, stakeholder=403),
        data=details,
    ),
    Row(
        "a coached rep's opportunity",
        "get",
        object_url("opportunity_detail", opportunity_of),
        VIEW_REP,
    ),
    Row(
        "edit a coached rep's opportunity",
        "post",
        object_url("opportunity_detail", opportunity_of),
        CHANGE_REP,
        data=lambda w: {k: v for k, v in details(w).items() if k != "stage"},
    ),
    Row(
        "move a coached rep's opportunity",
        "post",
        object_url("opportunity_stage", opportunity_of),
        CHANGE_REP,
        data=lambda w: {"stage": "won"},
    ),
    Row("move by GET", "get", object_url("opportunity_stage", opportunity_of), POST_ONLY),
    Row(
        "another rep's opportunity",
        "get",
        object_url("opportunity_detail", other_reps_opportunity),
        VIEW_OTHER,
    ),
    Row(
        "edit another rep's opportunity",
        "post",
        object_url("opportunity_detail", other_reps_opportunity),
        CHANGE_OTHER,
        data=lambda w: {
            **{k: v for k, v in details(w).items() if k != "stage"},
            "owner": w.members["other_rep"].pk,
        },
    ),
    Row(
        "move another rep's opportunity",
        "post",
        object_url("opportunity_stage", other_reps_opportunity),
        CHANGE_OTHER,
        data=lambda w: {"stage": "lost"},
    ),
    Row(
        "a missing opportunity",
        "get",
        lambda w: reverse("opportunity_detail", args=["acme", 999999]),
        NOBODY,
    ),
]

# Insights: the team dashboard and its CSV (admins, coaches and stakeholders, each seeing only
# their own reps) and a rep's progress page (the rep's pages) ----------------------------------

INSIGHTS = [
    Row("team dashboard", "get", lambda w: reverse("team_dashboard", args=["acme"]), DASHBOARD),
    Row(
        "team dashboard, sorted",
        "get",
        lambda w: reverse("team_dashboard", args=["acme"]) + "?sort=-pace",
        DASHBOARD,
    ),
    Row("weekly CSV", "get", lambda w: reverse("dashboard_csv", args=["acme"]), DASHBOARD),
    Row(
        "weekly CSV, 52 weeks",
        "get",
        lambda w: reverse("dashboard_csv", args=["acme"]) + "?weeks=52",
        DASHBOARD,
    ),
    Row(
        "the other workspace's dashboard",
        "get",
        lambda w: reverse("team_dashboard", args=["globex"]),
        {**{v: 404 for v in VISITORS}, "outsider": 200, None: LOGIN},
    ),
    Row("a coached rep's progress", "get", member_url("rep_progress", "rep"), VIEW_REP),
    Row("another rep's progress", "get", member_url("rep_progress", "other_rep"), VIEW_OTHER),
    Row("a coach has no progress page", "get", member_url("rep_progress", "coach"), NOBODY),
    Row(
        "a member id of another workspace",
        "get",
        lambda w: reverse("rep_progress", args=["acme", w.members["outsider"].pk]),
        NOBODY,
    ),
]


def stakeholders_digest(w: World) -> Any:
    from followthrough.digests import actions as digests
    from followthrough.digests.models import Subscription

    digests.ensure_subscriptions(w.workspace.pk)
    return Subscription.objects.get(recipient=w.members["stakeholder"])


def unsubscribe_link(w: World) -> str:
    return reverse("digest_unsubscribe", args=[stakeholders_digest(w).unsubscribe_token()])


def digest_choices(w: World) -> dict[str, object]:
    return {"weekday": "4", "hour": "16", "time_zone": "", "scope": "followed"}


# Those who receive a digest (who follow or coach reps); a rep receives none.
DIGEST_READERS = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=200)
DIGEST_WRITERS = by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=302)
# The stakeholder's digest about "rep": the stakeholder whole; the rep, the rep's coach and the
# admins their part; another rep has no part in it.
DIGEST_PREVIEW = by_role(admin=200, coach=200, rep=200, other_rep=403, stakeholder=200)

DIGESTS = [
    # The signed link works without a login; a GET only shows the confirmation.
    Row("a digest's unsubscribe page", "get", unsubscribe_link, ANYONE_WITH_THE_LINK),
    Row(
        "the digests one may preview",
        "get",
        lambda w: reverse("digest_previews", args=["acme"]),
        EVERY_MEMBER,
    ),
    Row(
        "one's digest preferences",
        "get",
        lambda w: reverse("digest_preferences", args=["acme"]),
        DIGEST_READERS,
    ),
    Row(
        "change one's digest preferences",
        "post",
        lambda w: reverse("digest_preferences", args=["acme"]),
        DIGEST_WRITERS,
        digest_choices,
    ),
    Row(
        "the preview of the stakeholder's digest",
        "get",
        lambda w: reverse("digest_preview", args=["acme", stakeholders_digest(w).pk]),
        DIGEST_PREVIEW,
    ),
]


# The weekly update: the rep's own, written by reps only; its link works for anyone holding it.
WRITE_OWN_UPDATE = by_role(admin=403, coach=403, rep=302, other_rep=302, stakeholder=403)


def update_ask_url(w: World) -> str:
    """The signed link of the rep's ask for this week."""
    from followthrough.updates.models import UpdateAsk, week_of_rep

    rep = w.members["rep"]
    ask, _created = UpdateAsk.objects.get_or_create(
        rep=rep,
        week=week_of_rep(rep, timezone.now()),
        defaults={"workspace": w.workspace, "ask_at": timezone.now()},
    )
    return reverse("weekly_update_link", args=[ask.token()])


UPDATES = [
    Row(
        "the rep's weekly update",
        "get",
        lambda w: reverse("weekly_update", args=["acme"]),
        by_role(admin=403, coach=403, rep=200, other_rep=200, stakeholder=403),
    ),
    Row(
        "write the weekly update",
        "post",
        lambda w: reverse("weekly_update", args=["acme"]),
        WRITE_OWN_UPDATE,
        data=lambda w: {"wins": "Closed Dana"},
    ),
    Row(
        "when the rep is asked",
        "post",
        lambda w: reverse("weekly_update_ask_time", args=["acme"]),
        WRITE_OWN_UPDATE,
        data=lambda w: {"weekday": "4", "hour": "15"},
    ),
    Row(
        "when the rep is asked (GET)",
        "get",
        lambda w: reverse("weekly_update_ask_time", args=["acme"]),
        by_role(admin=403, coach=403, rep=405, other_rep=405, stakeholder=403),
    ),
    Row("weekly update link", "get", update_ask_url, ANYONE_WITH_THE_LINK),
    Row(
        "weekly update link (answer)",
        "post",
        update_ask_url,
        ANYONE_WITH_THE_LINK,
        data=lambda w: {"wins": "Closed Dana"},
    ),
]

# The coach-manager thread on a rep and reviews (sync): the rep's coaches, the admins and the
# stakeholders who follow the rep; the rep reads the thread (only what is shared with them) but
# neither writes in it nor sees a review's brief -------------------------------------------

IN_THREAD = by_role(admin=200, coach=200, rep=403, other_rep=403, stakeholder=200)
THREAD_WRITES = by_role(admin=302, coach=302, rep=403, other_rep=403, stakeholder=302)
A_REVIEW: dict[str, object] = {"starts_at": "2099-01-05T10:00", "location": "Karen's office"}


def review_url(view: str, rep: str = "rep") -> Callable[[World], str]:
    return object_url(view, lambda w: review_of(w, rep))


SYNC = [
    Row("a coached rep's thread", "get", member_url("thread", "rep"), VIEW_REP),
    Row(
        "another rep's thread",
        "get",
        member_url("thread", "other_rep"),
        by_role(admin=200, coach=403, rep=403, other_rep=200, stakeholder=403),
    ),
    Row("a coach has no thread", "get", member_url("thread", "coach"), NOBODY),
    Row(
        "write in a coached rep's thread",
        "post",
        member_url("thread", "rep"),
        THREAD_WRITES,
        data=lambda w: {"text": "Seeing more calls", "kind": "seeing"},
    ),
    Row(
        "write in another rep's thread",
        "post",
        member_url("thread", "other_rep"),
        by_role(admin=302, coach=403, rep=403, other_rep=403, stakeholder=403),
        data=lambda w: {"text": "Seeing more calls", "kind": "note"},
    ),
    Row("book a review form", "get", member_url("review_new", "rep"), IN_THREAD),
    Row(
        "book a review",
        "post",
        member_url("review_new", "rep"),
        THREAD_WRITES,
        data=lambda w: A_REVIEW,
    ),
    Row("a coached rep's review brief", "get", review_url("review_brief"), IN_THREAD),
    Row(
        "another rep's review brief",
        "get",
        review_url("review_brief", "other_rep"),
        by_role(admin=200, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row(
        "a note after the review",
        "post",
        review_url("review_note"),
        THREAD_WRITES,
        data=lambda w: {"text": "It went well"},
    ),
    Row("note after a review by GET", "get", review_url("review_note"), POST_ONLY),
    Row("move a review", "post", review_url("review_move"), THREAD_WRITES, data=lambda w: A_REVIEW),
    Row("move a review by GET", "get", review_url("review_move"), POST_ONLY),
    Row("cancel a review", "post", review_url("review_cancel"), THREAD_WRITES),
    Row("cancel a review by GET", "get", review_url("review_cancel"), POST_ONLY),
    Row(
        "a review of another workspace",
        "get",
        lambda w: reverse("review_brief", args=["globex", review_of(w).pk]),
        {**{v: 404 for v in VISITORS}, "outsider": 404, None: LOGIN},
    ),
]

# The praise binder: quotes to review (the rep, their coaches, admins), a rep's binder (whoever
# sees the rep's figures; shared by coaches and admins), a team's binder (its coach and admins),
# and the shared link (anyone holding it, no login) ------------------------------------------


def quote_url(w: World) -> str:
    return reverse("quote_decide", args=["acme", binder_helpers.answer(w).pk])


def binder_url(view: str, scope: str, key: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", scope, w.members[key].pk])


def share_url(view: str) -> Callable[[World], str]:
    def build(w: World) -> str:
        binder_helpers.approved(w, "Quoted praise.")
        link = binders.share("rep", w.members["rep"], by=w.members["coach"], days=30)
        return reverse(view, args=[link.token()])

    return build


def revoke_url(w: World) -> str:
    link = binders.share("rep", w.members["rep"], by=w.members["coach"], days=30)
    return reverse("binder_revoke", args=["acme", link.pk])


def decision(w: World) -> dict[str, object]:
    return {f"q{ClientCheckIn.objects.latest('pk').pk}-decision": "decline"}


REVIEWERS = by_role(admin=200, coach=200, rep=200, other_rep=200, stakeholder=403)
REVIEW_POST_ONLY = by_role(admin=405, coach=405, rep=405, other_rep=405, stakeholder=403)
VIEW_REP_PDF = by_role(admin=202, coach=202, rep=202, other_rep=403, stakeholder=202)
TEAM_PDF = by_role(admin=202, coach=202, rep=403, other_rep=403, stakeholder=403)
BINDER_POST_ONLY = by_role(admin=405, coach=405, rep=405, other_rep=405, stakeholder=405)
BINDER = [
    Row("quotes to review", "get", lambda w: reverse("quotes_review", args=["acme"]), REVIEWERS),
    Row("decide on a quote", "post", quote_url, CHANGE_REP, decision),
    Row("decide on a quote by GET", "get", quote_url, REVIEW_POST_ONLY),
    Row("a rep's binder", "get", binder_url("binder_page", "rep", "rep"), VIEW_REP),
    Row("another rep's binder", "get", binder_url("binder_page", "rep", "other_rep"), VIEW_OTHER),
    Row("a coach has no rep binder", "get", binder_url("binder_page", "rep", "coach"), NOBODY),
    Row("no such kind of binder", "get", binder_url("binder_page", "nonsense", "rep"), NOBODY),
    Row("a team's binder", "get", binder_url("binder_page", "team", "coach"), RUN_PAGE),
    Row("a rep has no team binder", "get", binder_url("binder_page", "team", "rep"), NOBODY),
    Row("a rep's binder PDF", "get", binder_url("binder_pdf", "rep", "rep"), VIEW_REP_PDF),
    Row("a team's binder PDF", "get", binder_url("binder_pdf", "team", "coach"), TEAM_PDF),
    Row(
        "share a rep's binder",
        "post",
        binder_url("binder_share", "rep", "rep"),
        RUN,
        lambda w: {"days": "30"},
    ),
    Row("share by GET", "get", binder_url("binder_share", "rep", "rep"), BINDER_POST_ONLY),
    Row("withdraw a binder link", "post", revoke_url, RUN),
    Row("withdraw by GET", "get", revoke_url, BINDER_POST_ONLY),
    Row("the shared binder", "get", share_url("binder_shared"), ANYONE_WITH_THE_LINK),
    Row(
        "import won deals from a CRM",
        "get",
        lambda w: reverse("crm_import", args=["acme"]),
        REVIEWERS,
    ),
    Row(
        "the shared binder's PDF",
        "get",
        share_url("binder_shared_pdf"),
        {v: 202 for v in VISITORS},
    ),
]

# Webhooks: the workspace's admins only -----------------------------------------------------------

PUBLIC_HOOK = "https://93.184.215.14/hook"  # a public address, never contacted by these rows


def endpoint_in(w: World, workspace: str = "acme") -> Endpoint:
    return Endpoint.objects.create(
        workspace=w.workspace if workspace == "acme" else w.other_workspace,
        url=PUBLIC_HOOK,
        event_types=["commitment.created"],
    )


def endpoint_url(view: str) -> Callable[[World], str]:
    return object_url(view, endpoint_in)


def redeliver_url(w: World) -> str:
    endpoint = endpoint_in(w)
    message = webhook_actions.send_test(endpoint, by=w.user("admin"))
    return reverse("webhook_redeliver", args=["acme", endpoint.pk, message.pk])


ADD_HOOK: dict[str, object] = {"url": PUBLIC_HOOK, "event_types": ["commitment.created"]}

WEBHOOKS = [
    Row("webhooks", "get", lambda w: reverse("webhooks", args=["acme"]), ADMIN_ONLY),
    Row("add a webhook form", "get", lambda w: reverse("webhook_add", args=["acme"]), ADMIN_ONLY),
    Row(
        "add a webhook",
        "post",
        lambda w: reverse("webhook_add", args=["acme"]),
        ADMIN_ONLY,
        data=lambda w: ADD_HOOK,
    ),
    Row("a webhook endpoint", "get", endpoint_url("webhook_detail"), ADMIN_ONLY),
    Row(
        "another workspace's webhook endpoint",
        "get",
        lambda w: reverse("webhook_detail", args=["acme", endpoint_in(w, "globex").pk]),
        by_role(admin=404, coach=403, rep=403, other_rep=403, stakeholder=403),
    ),
    Row("change a webhook form", "get", endpoint_url("webhook_edit"), ADMIN_ONLY),
    Row(
        "change a webhook",
        "post",
        endpoint_url("webhook_edit"),
        ADMIN_WRITES,
        data=lambda w: ADD_HOOK,
    ),
    Row("disable a webhook", "post", endpoint_url("webhook_disable"), ADMIN_WRITES),
    Row("enable a webhook", "post", endpoint_url("webhook_enable"), ADMIN_WRITES),
    Row("delete a webhook", "post", endpoint_url("webhook_delete"), ADMIN_WRITES),
    Row("rotate a webhook's secret", "post", endpoint_url("webhook_rotate"), ADMIN_ONLY),
    Row("send a test webhook", "post", endpoint_url("webhook_test"), ADMIN_WRITES),
    Row("redeliver a webhook", "post", redeliver_url, ADMIN_WRITES),
]

# Manager-as-coach programs --------------------------------------------------------------------
# Three more visitors (tests/programs_helpers.py): "facilitator", a coach-role member from outside
# who runs the cohort; "manager" and "peer", enrolled managers. The stakeholder is the program's
# sponsor; "coach" takes no part (refused), reps never see programs.


def programs_by_role(**statuses: int | str) -> dict[str | None, int | str]:
    table = by_role(rep=403, other_rep=403)
    table.update(statuses)
    return table


# Who sees a program, a cohort or its sessions: admins, the facilitator, the managers, sponsors.
VIEW_PROGRAM = programs_by_role(
    admin=200, coach=403, stakeholder=200, facilitator=200, manager=200, peer=200
)
# Who runs a cohort: the admins and its facilitator.
RUN_COHORT = programs_by_role(
    admin=302, coach=403, stakeholder=403, facilitator=302, manager=403, peer=403
)
PROGRAMS_PAGE = programs_by_role(
    admin=200, coach=200, stakeholder=200, facilitator=200, manager=200, peer=200
)
ADMIN_PROGRAMS = programs_by_role(
    admin=200, coach=403, stakeholder=403, facilitator=403, manager=403, peer=403
)
ADMIN_PROGRAMS_WRITE = programs_by_role(
    admin=302, coach=403, stakeholder=403, facilitator=403, manager=403, peer=403
)
CHANGE_PROGRAM_PAGE = programs_by_role(
    admin=200, coach=403, stakeholder=403, facilitator=200, manager=403, peer=403
)


def program_url(view: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", programs_helpers.cohort_of(w).program_id])


def cohort_url(view: str) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", programs_helpers.cohort_of(w).pk])


def program_session_url(view: str, number: int = 1) -> Callable[[World], str]:
    return lambda w: reverse(view, args=["acme", programs_helpers.session_of(w, number).pk])


def newcomer(w: World) -> dict[str, object]:
    from tests.conftest import make_member

    return {"manager": make_member(w.workspace, "newcomer", Role.COACH).pk}


def held(w: World) -> dict[str, object]:
    enrollment = programs_helpers.enrollment_of(w)
    return {"debrief": "Good start", f"present_{enrollment.pk}": "on"}


def later(w: World) -> dict[str, object]:
    return {"starts_at": next_week() + "T10:00", "duration_minutes": "60", "location": "Phone"}


PROGRAM_FORM: dict[str, object] = {
    "name": "Coaching for managers",
    "phone_sessions": "6",
    "weeks_between": "2",
}

PROGRAMS: list[Row] = [
    Row("programs", "get", lambda w: reverse("programs", args=["acme"]), PROGRAMS_PAGE),
    Row("new program page", "get", lambda w: reverse("program_new", args=["acme"]), ADMIN_PROGRAMS),
    Row(
        "create a program",
        "post",
        lambda w: reverse("program_new", args=["acme"]),
        ADMIN_PROGRAMS_WRITE,
        lambda w: PROGRAM_FORM,
    ),
    Row("a program", "get", program_url("program_detail"), VIEW_PROGRAM),
    Row("edit a program page", "get", program_url("program_edit"), CHANGE_PROGRAM_PAGE),
    Row(
        "edit a program",
        "post",
        program_url("program_edit"),
        RUN_COHORT,
        lambda w: {"name": "Renamed", "topics": "Workshop\nListening"},
    ),
    Row("new cohort page", "get", program_url("cohort_new"), ADMIN_PROGRAMS),
    Row(
        "start a cohort",
        "post",
        program_url("cohort_new"),
        ADMIN_PROGRAMS_WRITE,
        lambda w: {
            "name": "Autumn",
            "facilitator": w.members["facilitator"].pk,
            "starts_on": programs_helpers.next_working_day(w),
        },
    ),
    Row("a cohort", "get", cohort_url("cohort_detail"), VIEW_PROGRAM),
    Row("enroll a manager", "post", cohort_url("cohort_enroll"), RUN_COHORT, newcomer),
    Row(
        "take a manager out of a cohort",
        "post",
        lambda w: reverse("enrollment_leave", args=["acme", programs_helpers.enrollment_of(w).pk]),
        RUN_COHORT,
    ),
    Row("a program session", "get", program_session_url("program_session_detail"), VIEW_PROGRAM),
    Row(
        "move a program session",
        "post",
        program_session_url("program_session_move"),
        RUN_COHORT,
        later,
    ),
    Row(
        "cancel a program session",
        "post",
        program_session_url("program_session_cancel"),
        RUN_COHORT,
    ),
    Row(
        "record a program session as held",
        "post",
        program_session_url("program_session_held", 0),
        RUN_COHORT,
        held,
    ),
]

# A cohort's adoption page (tests/adoption_matrix.py), for the program visitors too.
PROGRAMS += [Row(name, method, url, table, data) for name, method, url, table, data in ADOPTION]

ROWS = [
    *ACCOUNT_AND_MEMBERS,
    *OUTBOX,
    *DELIVERY,
    *COACHING,
    *HISTORY,
    *METRICS_AND_IMPORTS,
    *PIPELINE,
    *CLIENTS,
    *INSIGHTS,
    *DIGESTS,
    *UPDATES,
    *SYNC,
    *BINDER,
    *PROGRAMS,
    *WEBHOOKS,
    *(Row(s.name, s.method, s.url, s.expected, s.data) for s in RUBRIC_ROWS),
]


def visit(world: World, row: Row, visitor: str | None) -> Any:
    """Requests the row's page as the visitor and checks what every matrix checks: the status
    expected, anonymous visitors sent to log in, and a refusal that is a clear page in our
    layout, never a stack trace nor a private text. Returns the response for checks of the
    row's own."""
    client = world.client(visitor)
    url = row.url(world)
    data = row.data(world) if row.data else {}
    with override_settings(**(row.settings or {})):
        response = client.post(url, data) if row.method == "post" else client.get(url)
    expected = row.expected[visitor]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content[:300]
    body = response.content.decode()
    assert "Traceback" not in body
    if response.status_code in (403, 404) and "text/html" in response.get("Content-Type", ""):
        assert "Not allowed" in body or "Not found" in body
    if response.status_code in (403, 404):
        assert not any(text in body for text in NEVER_ON_A_REFUSAL), body[:300]
    return response
