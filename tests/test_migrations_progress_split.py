"""The tables of the old progress app reach metrics and pipeline with every row (issue 10).

Starts from the schema as it was before the split, writes rows through the historical models,
migrates forward and reads them back through today's models. Runs on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from followthrough.metrics.models import ConfidenceRating, Entry, EntrySource, ImportRun, Metric
from followthrough.pipeline.models import Opportunity, Stage, StageChange

BEFORE_SPLIT = [
    ("accounts", "0003_membership_today_seen_at_workspace_checkin_time_and_more"),
    ("coaching", "0003_sharing_and_replies"),
    ("progress", "0002_pipeline_confidence_imports"),
]


def migrate(targets: list[tuple[str, str]] | None = None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


def write_old_rows(executor: MigrationExecutor) -> dict[str, int]:
    """Rows as the app held them before the split, through the historical models."""
    apps = executor.loader.project_state(BEFORE_SPLIT).apps
    user = apps.get_model("accounts", "User").objects.create(email="rep@example.com", name="Rep")
    workspace = apps.get_model("accounts", "Workspace").objects.create(name="Acme", slug="acme")
    member = apps.get_model("accounts", "Membership").objects.create(
        workspace=workspace, user=user, role="rep"
    )
    metric = apps.get_model("progress", "Metric").objects.create(
        workspace=workspace, name="Calls made", unit="calls", aliases=["dials"]
    )
    deals = apps.get_model("progress", "Metric").objects.create(
        workspace=workspace, name="Deals won", unit="deals", kind="result"
    )
    run = apps.get_model("progress", "ImportRun").objects.create(
        workspace=workspace,
        member=member,
        filename="week.csv",
        content="day,calls\n",
        state="imported",
    )
    opportunity = apps.get_model("progress", "Opportunity").objects.create(
        workspace=workspace, owner=member, account="Globex", value=Decimal("1200.50"), stage="won"
    )
    apps.get_model("progress", "StageChange").objects.create(
        opportunity=opportunity, from_stage="proposal", to_stage="won", changed_by=user
    )
    entry = apps.get_model("progress", "Entry")
    day = dt.date(2026, 11, 2)
    entry.objects.create(workspace=workspace, member=member, metric=metric, day=day, value=7)
    entry.objects.create(
        workspace=workspace,
        member=member,
        metric=metric,
        day=day,
        value=3,
        source="import",
        import_run=run,
    )
    entry.objects.create(
        workspace=workspace,
        member=member,
        metric=deals,
        day=day,
        value=1,
        source="deal",
        opportunity=opportunity,
    )
    apps.get_model("progress", "ConfidenceRating").objects.create(
        workspace=workspace, member=member, rating=4, comment="Steady", rated_at=timezone.now()
    )
    return {"member": member.pk, "metric": metric.pk, "opportunity": opportunity.pk, "run": run.pk}


@pytest.mark.django_db(transaction=True)
def test_split_keeps_every_row() -> None:
    try:
        ids = write_old_rows(migrate(BEFORE_SPLIT))
        migrate()
        ContentType.objects.clear_cache()

        metric = Metric.objects.get(pk=ids["metric"])
        # Named as a default metric, it got its key and Spanish other names (metrics 0002).
        assert (metric.name, metric.aliases) == ("Calls made", ["dials", "llamadas", "llamada"])
        assert metric.key == "calls_made"
        assert Metric.objects.count() == 2
        entries = Entry.objects.filter(member_id=ids["member"])
        assert sorted(e.source for e in entries) == sorted(
            [EntrySource.LOG, EntrySource.IMPORT, EntrySource.DEAL]
        )
        assert entries.get(source=EntrySource.IMPORT).import_run == ImportRun.objects.get(
            pk=ids["run"], filename="week.csv"
        )
        opportunity = Opportunity.objects.get(pk=ids["opportunity"])
        assert (opportunity.account, opportunity.value, opportunity.stage) == (
            "Globex",
            Decimal("1200.50"),
            Stage.WON,
        )
        assert entries.get(source=EntrySource.DEAL).opportunity == opportunity
        change = StageChange.objects.get(opportunity=opportunity)
        assert (change.from_stage, change.to_stage) == (Stage.PROPOSAL, Stage.WON)
        assert ConfidenceRating.objects.get(member_id=ids["member"]).rating == 4
        # New rows still get fresh ids (the sequences moved with their tables).
        Metric.objects.create(workspace_id=metric.workspace_id, name="Meetings booked")
        assert Metric.objects.count() == 3
    finally:
        migrate()


@pytest.mark.django_db(transaction=True)
def test_content_types_follow_the_models() -> None:
    """Events about a moved row (and permissions) point at the row's new app."""
    try:
        executor = migrate(BEFORE_SPLIT)
        apps = executor.loader.project_state(BEFORE_SPLIT).apps
        content_type = apps.get_model("contenttypes", "ContentType")
        old, _ = content_type.objects.get_or_create(app_label="progress", model="opportunity")
        migrate()
        ContentType.objects.clear_cache()
        assert ContentType.objects.get(pk=old.pk).model_class() is Opportunity
    finally:
        migrate()
