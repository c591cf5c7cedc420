"""Issue 11, item 5: text meant for people that nobody marked for translation is found, in
templates and in Python (scripts/unmarked.py, run by `make lint` through
scripts/check-translations), and the project has none."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_scanner() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unmarked", ROOT / "scripts" / "unmarked.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["unmarked"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


unmarked = load_scanner()


def found_in(tmp_path: Path, name: str, source: str) -> list[str]:
    path = tmp_path / name
    path.write_text(source)
    if path.suffix == ".py":
        return [p.text for p in unmarked.python_problems(path)]
    return [p.text for p in unmarked.template_problems(path)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<h1>Plans</h1>", ["Plans"]),
        ('<h1>{% translate "Plans" %}</h1>', []),
        ("<p>{% blocktranslate %}Hi {{ name }}, welcome{% endblocktranslate %}</p>", []),
        ("<p>{{ plan.purpose }} · {{ plan.deadline }}</p>", []),
        ('<a href="/x" aria-label="Close">×</a>', ["Close"]),
        ('<input type="submit" value="Save">', ["Save"]),
        ('<input name="q" placeholder="{% translate "Search" %}">', []),
        ('<tr {% if x %}class="inactive"{% endif %}><td>{{ x }}</td></tr>', []),
        ("{% if late %}Late{% else %}{% translate 'On time' %}{% endif %}", ["Late"]),
        ("<p>Columns: <code>date</code>, <code>metric</code></p>", ["Columns:"]),
        ("{% comment %}Notes for developers{% endcomment %}<p>&middot; 3</p>", []),
        ("<script>const label = 'not read';</script><p>Followthrough</p>", []),
    ],
)
def test_template_text_outside_translate_is_found(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    assert found_in(tmp_path, "page.html", source) == expected


def test_every_line_of_a_text_email_is_read(tmp_path: Path) -> None:
    source = "{% translate 'Hi' %}\n{{ base_url }}/plans/?state=failed\nSee you soon\n"
    assert found_in(tmp_path, "note.txt", source) == ["See you soon"]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('messages.success(request, "Saved.")', ["Saved."]),
        ('messages.success(request, gettext("Saved."))', []),
        ("messages.error(request, str(refusal))", []),
        ('raise ActionRefused(f"{stage} is not a stage.")', [" is not a stage."]),
        ('raise ActionRefused(_("%(s)s is not a stage.") % {"s": stage})', []),
        ('raise ValidationError("Too big: %s" % size)', ["Too big: %s"]),
        ('raise NotFound(f"No plan {pk} here")', []),  # a 404 never shows it
        ('form.add_error("due_on", "In the past.")', ["In the past."]),
        ('attempt(request, lambda: go(), "Done.")', ["Done."]),
        ('x = forms.CharField(label="Name", help_text=gettext_lazy("Yours."))', ["Name"]),
        ('x = models.TextField(help_text="Private.")', ["Private."]),
        ("x = models.JSONField(help_text='{\"calls\": 5}')  # i18n: not for people", []),
        ('x = forms.CharField(widget=forms.TextInput(attrs={"placeholder": "Bob"}))', ["Bob"]),
        ('x = forms.ChoiceField(choices=[("a", "Alpha"), ("b", _("Beta"))])', ["Alpha"]),
        (
            "class State(models.TextChoices):\n"
            '    OPEN = "open", "Open"\n'
            '    DONE = "done", _("Done")\n',
            ["Open"],
        ),
        ('class Meta:\n    verbose_name_plural = "replies"\n', ["replies"]),
        ('logger.info("Sent %s", n)', []),
    ],
)
def test_python_strings_for_people_outside_gettext_are_found(
    tmp_path: Path, source: str, expected: list[str]
) -> None:
    assert found_in(tmp_path, "module.py", source) == expected


def test_the_project_has_no_unmarked_text() -> None:
    assert [str(p) for p in unmarked.problems()] == []


def test_check_translations_fails_on_unmarked_text(tmp_path: Path) -> None:
    """The lint's exit code: a template with a bare sentence fails it, naming file and line."""
    page = ROOT / "followthrough" / "templates" / "zz_unmarked_probe.html"
    page.write_text("<p>\n  Nobody marked me.\n</p>\n")
    try:
        result = subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "check-translations")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
    finally:
        page.unlink()
    assert result.returncode == 1
    assert "zz_unmarked_probe.html:2: not marked for translation: 'Nobody marked me.'" in (
        result.stderr
    )
