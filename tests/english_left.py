"""Finds English left on a page or in an email that should be Spanish: the English msgids of the
Spanish catalogue that a text still carries verbatim.

A msgid counts when Spanish words it differently (its msgstr is not the same text: "OK",
"Email" or "Coach" are the same in both) and it is long enough to mean something on its own:
a one-word msgid ("Plans", "Done") only when it is a whole piece of text by itself (a
heading, a button, a table cell), a longer one anywhere in a piece of text. A msgid with
placeholders ("%(name)s has your answer") is looked for by its literal parts of two words or
more. Content in another language is skipped: an element with a `lang` other than the page's
(the message as its recipient will read it).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

CATALOGUE = (
    Path(__file__).resolve().parent.parent
    / "followthrough"
    / "locale"
    / "es"
    / "LC_MESSAGES"
    / "django.po"
)
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[a-z_]*\}")
# Attributes a person reads or hears (a screen reader says aria-label and title).
VISIBLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "aria-description"}
STRIPPED = " .,:;!?()“”\"'·—–-"
SKIPPED_ELEMENTS = {"script", "style", "template"}
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


@dataclass(frozen=True)
class Entry:
    context: str
    english: tuple[str, ...]  # msgid, and msgid_plural when there is one
    spanish: tuple[str, ...]


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po file (the header and obsolete entries left out)."""
    entries: list[Entry] = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = ""
        for line in block.splitlines():
            if line.startswith("#"):
                continue
            match = re.match(r'(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
        if not fields.get("msgid"):
            continue
        english = (fields["msgid"],) + (
            (fields["msgid_plural"],) if "msgid_plural" in fields else ()
        )
        spanish = tuple(v for k, v in sorted(fields.items()) if k.startswith("msgstr"))
        entries.append(Entry(fields.get("msgctxt", ""), english, spanish))
    return entries


@cache
def needles() -> tuple[frozenset[str], re.Pattern[str]]:
    """(single words that must not be a whole piece of text, one pattern for the phrases that
    must appear nowhere)."""
    words: set[str] = set()
    phrases: set[str] = set()
    entries = parse_po(CATALOGUE.read_text())
    # A text that is Spanish for something ("Coaches" is) is no sign of English.
    said_in_spanish = {
        " ".join(s.split()).strip(STRIPPED) for entry in entries for s in entry.spanish
    }
    for entry in entries:
        spanish = {" ".join(s.split()) for s in entry.spanish}
        for english in entry.english:
            english = " ".join(english.split())
            if english in spanish:
                continue
            for part in PLACEHOLDER.split(english):
                part = part.strip(STRIPPED)
                if len(part.split()) >= 2 and len(part) >= 8:
                    phrases.add(part)
                elif part == english.strip(" .:") and len(part) >= 3 and " " not in part:
                    words.add(part)
    longest_first = sorted(phrases, key=len, reverse=True)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, longest_first)) + r")(?!\w)")
    # A language picker names each language in itself ("English", "Español"), in every language.
    endonyms = {name for _code, name in settings.LANGUAGES}
    return frozenset(words - said_in_spanish - endonyms), pattern


class VisibleText(HTMLParser):
    """The pieces of text a person reads on a page: text between tags and readable attributes,
    outside scripts, styles and elements in another language."""

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.pieces: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)

    def skipping(self) -> bool:
        return any(skipped for _, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        other_language = lang is not None and tag != "html" and not lang.startswith(self.language)
        skipped = tag in SKIPPED_ELEMENTS or other_language
        if not self.skipping() and not skipped:
            for name in VISIBLE_ATTRIBUTES:
                if values.get(name):
                    self.pieces.append(str(values[name]))
            button = tag == "input" and values.get("type") in ("submit", "button")
            if button and values.get("value"):
                self.pieces.append(str(values["value"]))
        if tag not in VOID_ELEMENTS:
            self.stack.append((tag, skipped))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_ELEMENTS and self.stack:
            self.stack.pop()

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not self.skipping() and data.strip():
            self.pieces.append(data)


def pieces_of_html(html: str, language: str = "es") -> list[str]:
    parser = VisibleText(language)
    parser.feed(html)
    parser.close()
    return [" ".join(piece.split()) for piece in parser.pieces]


def pieces_of_text(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


# Words English uses all the time and Spanish never: two of them in a short text, or more in a
# longer one, make an English sentence that no msgid knows (a string nobody marked).
ENGLISH_ONLY = frozenset(
    {
        "the", "your", "you", "and", "with", "this", "that", "these", "has", "have", "was",
        "were", "is", "are", "will", "would", "from", "of", "to", "it", "its", "by", "for",
        "on", "at", "what", "when", "which", "who", "how",
    }
)  # fmt: skip


def english_sentence(piece: str) -> bool:
    words = re.findall(r"[^\W\d_]+", piece.lower())
    hits = sum(word in ENGLISH_ONLY for word in words)
    return hits >= 2 and hits * 4 >= len(words)


def english_left(pieces: list[str], data: tuple[str, ...] = ()) -> list[str]:
    """The English msgids found in `pieces`, and sentences that are plainly English, after
    removing `data` (text people or the test wrote, in whatever language they wrote it)."""
    words, phrases = needles()
    found: list[str] = []
    for piece in pieces:
        for datum in data:
            piece = piece.replace(datum, " ")
        bare = piece.strip(STRIPPED)
        if bare in words:
            found.append(bare)
            continue
        if match := phrases.search(piece):
            found.append(f"{match.group()}   (in: {piece[:120]})")
        elif english_sentence(piece):
            found.append(f"an English sentence: {piece[:120]}")
    return found
