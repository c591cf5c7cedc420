"""Hand progress's tables to the metrics and pipeline apps, keeping every row.

The database keeps its tables and renames them to the new apps' names (one ALTER TABLE each,
in the migration's transaction); only Django's state deletes the models here, and the new
apps' first migrations create them in their state without touching the database. Content types
(and with them permissions and events about these rows) are relabelled the same way.
"""

from django.db import migrations

MOVES = {
    "metric": "metrics",
    "entry": "metrics",
    "confidencerating": "metrics",
    "importrun": "metrics",
    "opportunity": "pipeline",
    "stagechange": "pipeline",
}


def relabel(apps, schema_editor, *, forwards: bool) -> None:
    content_type = apps.get_model("contenttypes", "ContentType")
    for model, app in MOVES.items():
        old, new = ("progress", app) if forwards else (app, "progress")
        # A database that already has the new label (never before this migration) keeps both.
        if not content_type.objects.filter(app_label=new, model=model).exists():
            content_type.objects.filter(app_label=old, model=model).update(app_label=new)


def relabel_forwards(apps, schema_editor) -> None:
    relabel(apps, schema_editor, forwards=True)


def relabel_backwards(apps, schema_editor) -> None:
    relabel(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("progress", "0002_pipeline_confidence_imports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                *(
                    migrations.AlterModelTable(name=model, table=f"{app}_{model}")
                    for model, app in MOVES.items()
                ),
                migrations.RunPython(relabel_forwards, relabel_backwards),
            ],
            state_operations=[
                # Those that point at others go first.
                migrations.DeleteModel(name="Entry"),
                migrations.DeleteModel(name="StageChange"),
                migrations.DeleteModel(name="Opportunity"),
                migrations.DeleteModel(name="Metric"),
                migrations.DeleteModel(name="ConfidenceRating"),
                migrations.DeleteModel(name="ImportRun"),
            ],
        ),
    ]
