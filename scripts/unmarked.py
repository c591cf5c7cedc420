"""Finds text meant for people that is not marked for translation (issue 11, item 5).

Templates: the text between tags and the attributes a person reads or hears (aria-label,
title, placeholder, alt, a button's value) that has letters in it and sits outside
{% translate %} and {% blocktranslate %}; {{ variables }} and other tags count as no text.
Email text templates (.txt) are read whole: every line is visible.

Python: string literals (plain, f-strings, "..." % x, "...".format()) given to what people
read: form and model field labels, help texts, verbose names, empty labels, widget
placeholders, error messages; messages.success/error/...; ActionRefused, ValidationError,
NotAllowed and NotFound; add_error; the labels of TextChoices/IntegerChoices and of literal
`choices` lists. A literal wrapped in gettext & co. is marked; anything else is reported.

A line that ends with the comment `# i18n: not for people` is left alone (for the Django
admin's own help texts, say). ALLOWED lists the template texts that are the same in every
language.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "followthrough"
# Words that are the same in every language the project speaks: names and symbols.
ALLOWED = {
    "Followthrough", "Español", "English", "CSV", "OK", "USD", "htmx", "×", "PDF", "HTML",
    "Message-ID", "HubSpot", "Salesforce",
}  # fmt: skip
PRAGMA = "# i18n: not for people"
HAS_LETTERS = re.compile(r"[^\W\d_]")
VISIBLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}
# Scripts and styles are not read; code is literal (CSV column names stay as they are).
SKIPPED_ELEMENTS = {"script", "style", "code", "kbd", "samp"}
TEXT_OF_NOTHING = " "  # where a {{ variable }} or a tag stood
URL_PART = re.compile(r"^[?/&#]|://|=")

GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
# Calls whose first argument (or `message=`) people read.
# (NotFound's words go to the log only: a 404 page never shows them.)
REFUSALS = {"ActionRefused", "ValidationError", "NotAllowed", "NothingAgreed", "PermissionDenied"}
# messages.success(request, "...") and form.add_error(field, "..."): the second argument.
SECOND_ARGUMENT = {"success", "error", "info", "warning", "debug", "add_error"}
READ_KEYWORDS = {
    "label",
    "help_text",
    "verbose_name",
    "verbose_name_plural",
    "empty_label",
    "message",
    "placeholder",
}
READ_ATTRS_KEYS = {"placeholder", "aria-label", "title"}
CHOICES_BASES = {"TextChoices", "IntegerChoices", "Choices"}


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        where = f"{self.path.relative_to(ROOT)}:{self.line}"
        return f"{where}: not marked for translation: {self.text!r}"


# Templates ------------------------------------------------------------------------------------


def flatten(source: str) -> str:
    """The template with what it outputs through tags replaced: translated text, variables and
    tags become TEXT_OF_NOTHING, comments disappear; line breaks are kept, so that lines still
    count."""
    out: list[str] = []
    skipping: str | None = None  # the end tag of a block whose content is no text of ours
    for token in Lexer(source).tokenize():
        contents = token.contents
        if token.token_type == TokenType.BLOCK:
            name = contents.split()[0] if contents.split() else ""
            if skipping is not None:
                if name == skipping:
                    skipping = None
                out.append(TEXT_OF_NOTHING)
                continue
            if name in ("blocktranslate", "blocktrans"):
                skipping = "end" + name
            elif name == "comment":
                skipping = "endcomment"
            out.append(TEXT_OF_NOTHING)
        elif skipping is not None or token.token_type == TokenType.COMMENT:
            out.append("\n" * contents.count("\n"))
            continue
        elif token.token_type == TokenType.VAR:
            out.append(TEXT_OF_NOTHING)
        else:
            out.append(contents)
    return "".join(out)


def worth_reporting(text: str) -> str | None:
    text = " ".join(text.replace(TEXT_OF_NOTHING, " ").split())
    if not HAS_LETTERS.search(text):
        return None
    words = [w.strip(".,:;!?()[]“”\"'·—–-/|") for w in text.split()]
    if all(not HAS_LETTERS.search(w) or w in ALLOWED or URL_PART.search(w) for w in words):
        return None
    return text


class TemplateText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self.skip_depth += 1
        values = dict(attrs)
        for name in VISIBLE_ATTRIBUTES:
            self.note(values.get(name))
        # An input's value is its caption; a <button>'s value is only sent, never shown.
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.note(values.get("value"))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self.skip_depth:
            self.skip_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            # The text's own line: the data starts where its tag ended, often a line before.
            self.note(data, data[: len(data) - len(data.lstrip())].count("\n"))

    def note(self, text: str | None, lines_down: int = 0) -> None:
        if text and (found := worth_reporting(text)):
            self.found.append((self.getpos()[0] + lines_down, found))


def template_problems(path: Path) -> list[Problem]:
    flat = flatten(path.read_text())
    if path.suffix == ".html":
        parser = TemplateText()
        parser.feed(flat)
        parser.close()
        found = parser.found
    else:  # a text email or a subject: everything is read
        found = [
            (number, text)
            for number, line in enumerate(flat.splitlines(), start=1)
            if (text := worth_reporting(line))
        ]
    return [Problem(path, line, text) for line, text in found]


# Python ---------------------------------------------------------------------------------------


def literal(node: ast.AST) -> str | None:
    """The text of a string people would read as it is: a literal, an f-string, or a literal
    formatted with % or .format(); None for anything else (a variable, a gettext call)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if HAS_LETTERS.search(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
        return text if HAS_LETTERS.search(text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return literal(node.left)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    ):
        return literal(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return literal(node.left) or literal(node.right)
    if isinstance(node, ast.IfExp):
        return literal(node.body) or literal(node.orelse)
    return None


def name_of(func: ast.AST) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class PythonText(ast.NodeVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[int, int, str]] = []  # first line, last line, text

    def note(self, node: ast.AST | None) -> None:
        if node is not None and (text := literal(node)) is not None:
            first = getattr(node, "lineno", 0)
            self.found.append((first, getattr(node, "end_lineno", None) or first, text))

    def visit_Call(self, node: ast.Call) -> None:
        name = name_of(node.func)
        if name in REFUSALS and node.args:
            self.note(node.args[0])
        receiver = name_of(node.func.value) if isinstance(node.func, ast.Attribute) else ""
        second = name == "add_error" or (name in SECOND_ARGUMENT and receiver == "messages")
        if second and len(node.args) >= 2:
            self.note(node.args[1])
        if name == "attempt" and len(node.args) >= 3:  # web.requests.attempt's success message
            self.note(node.args[2])
        for keyword in node.keywords:
            if keyword.arg in READ_KEYWORDS or (name == "attempt" and keyword.arg == "success"):
                self.note(keyword.value)
            elif keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                for value in keyword.value.values:
                    self.note(value)
            elif keyword.arg == "attrs" and isinstance(keyword.value, ast.Dict):
                for key, value in zip(keyword.value.keys, keyword.value.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in READ_ATTRS_KEYS:
                        self.note(value)
            elif keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                for choice in keyword.value.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        self.note(choice.elts[1])
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        if any(name_of(base) in CHOICES_BASES for base in node.bases):
            for statement in node.body:
                if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Tuple):
                    self.note(statement.value.elts[-1])
        if node.name == "Meta":
            for statement in node.body:
                if isinstance(statement, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id in ("verbose_name", "verbose_name_plural")
                    for t in statement.targets
                ):
                    self.note(statement.value)
        self.generic_visit(node)


def python_problems(path: Path) -> list[Problem]:
    source = path.read_text()
    lines = source.splitlines()
    visitor = PythonText()
    visitor.visit(ast.parse(source, str(path)))
    # The pragma may end the literal's line, or the next one (a formatter moves it there).
    return [
        Problem(path, first, text)
        for first, last, text in visitor.found
        if not any(line.rstrip().endswith(PRAGMA) for line in lines[first - 1 : last + 1])
    ]


# The project ----------------------------------------------------------------------------------


def files(root: Path = PACKAGE) -> Iterator[Path]:
    for path in sorted(root.rglob("*")):
        parts = set(path.relative_to(root).parts)
        if parts & {"migrations", "locale", "static", "__pycache__"}:
            continue
        template = path.suffix in (".html", ".txt") and "templates" in parts
        if template or path.suffix == ".py":
            yield path


def problems(root: Path = PACKAGE) -> list[Problem]:
    found: list[Problem] = []
    for path in files(root):
        if path.suffix == ".py":
            found += python_problems(path)
        else:
            found += template_problems(path)
    return found


if __name__ == "__main__":
    import os
    import sys

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "followthrough.settings")
    for problem in problems():
        print(problem)
    sys.exit(0)
