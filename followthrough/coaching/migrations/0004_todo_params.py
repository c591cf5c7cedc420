"""To-dos the app writes keep their sentence's parameters, so that they read in their reader's
language; the rows written before are recognised by their English (or, for a confidence drop,
Spanish) words. A row not recognised keeps its text, which is what it shows."""

import re

from django.db import migrations, models

PATTERNS = {
    "follow_up": [re.compile(r"^Follow up with (?P<name>.+?): (?P<text>.*)$", re.S)],
    "book_talk": [re.compile(r"^Book a talk with (?P<name>.+?): (?P<text>.*)$", re.S)],
    "own": [
        re.compile(
            r"^Talk to (?P<name>.+): confidence fell from (?P<before>\d) to (?P<after>\d) of 5$"
        ),
        re.compile(
            r"^Habla con (?P<name>.+): su confianza bajó de (?P<before>\d) a (?P<after>\d) de 5$"
        ),
    ],
}


def params_of(todo) -> tuple[str, dict] | None:
    """The kind and parameters an old row's words were written from, if they are recognised."""
    if todo.commitment_id is not None and todo.kind in ("follow_up", "book_talk"):
        # The commitment tells the exact name and text, even where a name holds ": ".
        name, text = todo.commitment.owner.user.name, todo.commitment.text
        lead = "Follow up with" if todo.kind == "follow_up" else "Book a talk with"
        if todo.text == f"{lead} {name}: {text}"[:300]:
            return todo.kind, {"name": name, "text": text}
    for pattern in PATTERNS.get(todo.kind, []):
        found = pattern.match(todo.text)
        if found is None:
            continue
        params = found.groupdict()
        if todo.kind == "own":
            params["before"], params["after"] = int(params["before"]), int(params["after"])
            return "talk", params
        return todo.kind, params
    return None


def recognise(apps, schema_editor):
    Todo = apps.get_model("coaching", "Todo")
    rows = Todo.objects.filter(params={}).exclude(kind="own", commitment__isnull=False)
    for todo in rows.select_related("commitment__owner__user").iterator():
        found = params_of(todo)
        if found is not None:
            todo.kind, todo.params = found
            todo.save(update_fields=["kind", "params"])


class Migration(migrations.Migration):
    dependencies = [
        ("coaching", "0003_sharing_and_replies"),
    ]

    operations = [
        migrations.AddField(
            model_name="todo",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="todo",
            name="kind",
            field=models.CharField(
                choices=[
                    ("follow_up", "Follow up"),
                    ("book_talk", "Book a talk"),
                    ("talk", "Talk"),
                    ("own", "To-do"),
                ],
                default="own",
                max_length=16,
            ),
        ),
        migrations.RunPython(recognise, migrations.RunPython.noop),
    ]
