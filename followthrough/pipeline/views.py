"""The pipeline: a board by stage, a list with filters and totals, a new opportunity, one
opportunity (its details, its stage history, what it counted as a deal), and the move to another
stage. Who sees what: the opportunities of permissions.visible_reps; who changes them:
the owner, their coaches and admins (pipeline.may_edit)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from followthrough import permissions
from followthrough.accounts.models import Membership
from followthrough.clients import queries as client_queries
from followthrough.lib.errors import ActionRefused
from followthrough.metrics.models import Entry
from followthrough.pipeline import actions as pipeline
from followthrough.pipeline.filters import Filters
from followthrough.pipeline.forms import MoveForm, OpportunityForm
from followthrough.pipeline.models import Opportunity, Stage
from followthrough.web.decorators import workspace_view
from followthrough.web.requests import current, is_htmx, signed_in

# Won and lost opportunities stay on the board this long after they closed.
CLOSED_DAYS_ON_BOARD = 30
PER_PAGE = 100


def money(value: Decimal, currency: str) -> str:
    """4200 USD -> "4,200 USD"; cents only when there are some."""
    whole = value == value.to_integral_value()
    return f"{value:,.0f} {currency}" if whole else f"{value:,.2f} {currency}"


def totals_text(totals: dict[str, Decimal]) -> str:
    """Sums per currency: "900 EUR + 12,400 USD"; never adds one currency to another."""
    return " + ".join(money(total, currency) for currency, total in sorted(totals.items()))


@dataclass
class Column:
    stage: str
    label: str
    cards: list[Opportunity] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)

    @property
    def total(self) -> str:
        return totals_text(self.totals)


def decorate(
    rows: list[Opportunity], member: Membership, editable: set[int], today: dt.date
) -> list[Opportunity]:
    """What the cards and rows show, computed once here rather than in the templates."""
    revenue = pipeline.DealMetrics.of(member.workspace).revenue
    for row in rows:
        # A won deal in another currency than revenue's: counted, but not as revenue.
        row.revenue_note = (  # type: ignore[attr-defined]
            pipeline.revenue_problem(row, revenue) if row.is_won else ""
        )
        row.value_display = money(row.value, row.currency)  # type: ignore[attr-defined]
        row.editable = row.owner_id in editable  # type: ignore[attr-defined]
        row.slipped = (  # type: ignore[attr-defined]
            row.is_open and row.expected_close_on is not None and row.expected_close_on < today
        )
    return rows


def board_context(member: Membership, filters: Filters, **extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    editable = {rep.pk for rep in filters.reps} if permissions.can_write(member) else set()
    closed_since = today - dt.timedelta(days=CLOSED_DAYS_ON_BOARD)
    rows = filters.apply(
        pipeline.visible_opportunities(member).filter(
            Q(stage__in=Stage.open_stages()) | Q(closed_on__gte=closed_since)
        )
    ).select_related("owner__user")
    columns = {stage: Column(stage, str(label)) for stage, label in Stage.choices}
    for row in decorate(list(rows), member, editable, today):
        column = columns[row.stage]
        column.cards.append(row)
        column.totals[row.currency] = column.totals.get(row.currency, Decimal(0)) + row.value
    return {
        "columns": list(columns.values()),
        "filters": filters,
        "stages": Stage.choices,
        "closed_days": CLOSED_DAYS_ON_BOARD,
        "can_create": permissions.can_write(member) and bool(filters.reps),
        "today": today,
        "board_url": reverse("pipeline_board", args=[member.workspace.slug]),
        **extra,
    }


@workspace_view(permissions.can_view_pipeline)
def board(request: HttpRequest) -> HttpResponse:
    member = current(request)
    filters = Filters.read(request.GET, member)
    filters.stage = ""  # the board shows every stage
    return render(request, "pipeline/pipeline_board.html", board_context(member, filters))


def by_stage(chosen: QuerySet[Opportunity]) -> list[dict[str, Any]]:
    """The list's summary: how many opportunities and their value in each stage."""
    sums: dict[str, dict[str, Any]] = defaultdict(lambda: {"count": 0, "totals": {}})
    for row in (
        chosen.order_by().values("stage", "currency").annotate(n=Count("id"), v=Sum("value"))
    ):
        sums[row["stage"]]["count"] += row["n"]
        sums[row["stage"]]["totals"][row["currency"]] = row["v"]
    return [
        {"stage": label, "count": sums[stage]["count"], "total": totals_text(sums[stage]["totals"])}
        for stage, label in Stage.choices
        if stage in sums
    ]


@workspace_view(permissions.can_view_pipeline)
def listing(request: HttpRequest) -> HttpResponse:
    member = current(request)
    filters = Filters.read(request.GET, member)
    today = timezone.localdate()
    editable = {rep.pk for rep in filters.reps} if permissions.can_write(member) else set()
    chosen = filters.apply(pipeline.visible_opportunities(member))
    page = Paginator(
        chosen.select_related("owner__user").order_by(*filters.ordering()), PER_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "pipeline/pipeline_list.html",
        {
            "page": page,
            "rows": decorate(list(page.object_list), member, editable, today),
            "filters": filters,
            "stages": Stage.choices,
            "by_stage": by_stage(chosen),
            "can_create": permissions.can_write(member) and bool(filters.reps),
            # A column's link sorts by it, or the other way round when it already does.
            "sort_links": {
                "value": filters.query(sort="value" if filters.sort == "-value" else "-value"),
                "close": filters.query(sort="-close" if filters.sort == "close" else "close"),
            },
            "page_query": filters.query(),
        },
    )


@workspace_view(permissions.can_write)
def opportunity_new(request: HttpRequest) -> HttpResponse:
    member = current(request)
    owners = pipeline.editable_owners(member)
    form = OpportunityForm(
        request.POST or None,
        member=member,
        owners=owners,
        initial={"owner": request.GET.get("owner"), "currency": "USD", "stage": Stage.LEAD},
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                opportunity = pipeline.create_opportunity(
                    form.owner_membership(),
                    by=signed_in(request),
                    stage=form.cleaned_data["stage"],
                    **form.details(),
                )
            except ActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(
                    request,
                    gettext("%(account)s added to the pipeline.")
                    % {"account": opportunity.account},
                )
                return redirect(detail_url(opportunity))
        return render(request, "pipeline/opportunity_form.html", {"form": form}, status=400)
    if not owners.exists():
        messages.warning(request, gettext("There is no rep whose pipeline you keep yet."))
    return render(request, "pipeline/opportunity_form.html", {"form": form})


def detail_url(opportunity: Opportunity) -> str:
    return reverse("opportunity_detail", args=[opportunity.workspace.slug, opportunity.pk])


def detail_context(request: HttpRequest, opportunity: Opportunity, **extra: Any) -> dict[str, Any]:
    member = current(request)
    editable = pipeline.may_edit(member, opportunity)
    opportunity.value_display = money(opportunity.value, opportunity.currency)  # type: ignore[attr-defined]
    context: dict[str, Any] = {
        "opportunity": opportunity,
        "editable": editable,
        "history": opportunity.stage_changes.select_related("changed_by"),
        "entries": Entry.objects.filter(opportunity=opportunity).select_related("metric"),
        "deal_note": pipeline.deal_note(opportunity),
        "stages": Stage.choices,
        **client_queries.deal_section(member, opportunity),
    }
    if editable:
        context["form"] = OpportunityForm(
            member=member, owners=pipeline.editable_owners(member), instance=opportunity
        )
    context.update(extra)
    return context


@workspace_view(permissions.can_view_pipeline)
def detail(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = permissions.access_opportunity(
        current(request), opportunity_id, for_change=request.method == "POST"
    )
    if request.method != "POST":
        return render(
            request, "pipeline/opportunity_detail.html", detail_context(request, opportunity)
        )
    member = current(request)
    form = OpportunityForm(
        request.POST,
        member=member,
        owners=pipeline.editable_owners(member),
        instance=opportunity,
    )
    if form.is_valid():
        try:
            pipeline.update_opportunity(
                opportunity,
                by=signed_in(request),
                owner=form.owner_membership() if "owner" in form.fields else opportunity.owner,
                **form.details(),
            )
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, gettext("Saved."))
            note = pipeline.deal_note(opportunity)
            if note:
                messages.warning(request, note)
            return redirect(detail_url(opportunity))
        opportunity.refresh_from_db()
    return render(
        request,
        "pipeline/opportunity_detail.html",
        detail_context(request, opportunity, form=form),
        status=400,
    )


def safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@workspace_view(permissions.can_view_pipeline)
@require_POST
def move(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """From a card of the board (htmx: the board comes back, moved) or the opportunity's page
    (a plain POST, then back where it came from)."""
    member = current(request)
    opportunity = permissions.access_opportunity(member, opportunity_id, for_change=True)
    form = MoveForm(request.POST)
    status, notice, kind = 200, "", "success"
    if not form.is_valid():
        status, kind = 400, "error"
        notice = " ".join(str(e) for e in form.errors["stage"]) or gettext("Choose a stage.")
    else:
        stage = form.cleaned_data["stage"]
        label = Stage(stage).label
        if not pipeline.move_opportunity(opportunity, stage, by=signed_in(request)):
            kind = "info"
            notice = gettext("%(account)s is already in %(stage)s: nothing changed.") % {
                "account": opportunity.account,
                "stage": label,
            }
        else:
            notice = gettext("%(account)s moved to %(stage)s.") % {
                "account": opportunity.account,
                "stage": label,
            }
            if opportunity.is_won:
                notice += " " + gettext("It counts as a deal.")
                note = pipeline.deal_note(opportunity)
                if note:
                    kind, notice = "warning", f"{notice} {note}"
    if is_htmx(request):
        # htmx swaps only 2xx answers: a refused move comes back as 200 to be shown in place.
        filters = Filters.read(request.POST, member)
        filters.stage = ""
        context = board_context(member, filters, notice=notice, notice_kind=kind)
        return render(request, "pipeline/_opportunity_board.html", context)
    if status == 400:
        return render(
            request,
            "pipeline/opportunity_detail.html",
            detail_context(request, opportunity, notice=notice),
            status=400,
        )
    getattr(messages, kind)(request, notice)
    return redirect(safe_next(request, reverse("pipeline_board", args=[member.workspace.slug])))
