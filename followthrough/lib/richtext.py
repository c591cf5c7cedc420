"""Sanitised HTML, written out again as plain text for the text part of an email.

Mail clients that show the text part (and people who prefer it) should read what the HTML part
says, not Markdown's marks (`## Agreed`, `**Call**`) nor the words of tags that were removed.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol"}
SPACES = re.compile(r"\s+")


class _TextWriter(HTMLParser):
    """Paragraphs and headings as lines with a blank line between them, list items as "- "
    (or "1. "), nested lists indented, quotes as "> ", links as "words (address)"."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.words: list[str] = []
        self.lists: list[list[int]] = []  # one [counter] per open list; -1 for a bulleted one
        self.bullet = ""
        self.quotes = 0
        self.pre = 0
        self.links: list[tuple[str, int]] = []  # (href, where its words began)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCKS or tag == "li":
            self.flush()
            if not self.lists:
                self.gap()
        if tag == "blockquote":
            self.quotes += 1
        elif tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.lists.append([0 if tag == "ol" else -1])
        elif tag == "li" and self.lists:
            counter = self.lists[-1]
            if counter[0] >= 0:
                counter[0] += 1
            self.bullet = f"{counter[0]}. " if counter[0] >= 0 else "- "
        elif tag == "br":
            self.flush()
        elif tag == "hr":
            self.flush()
            self.gap()
            self.lines.append("---")
        elif tag == "a":
            self.links.append((dict(attrs).get("href") or "", len(self.words)))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.links:
            href, start = self.links.pop()
            words = "".join(self.words[start:]).strip()
            if href and href not in (words, f"mailto:{words}"):
                self.words.append(f" ({href})")
            return
        if tag in BLOCKS or tag == "li":
            self.flush()
        if tag == "blockquote":
            self.quotes = max(0, self.quotes - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        if tag in BLOCKS and not self.lists:
            self.gap()

    def handle_data(self, data: str) -> None:
        self.words.append(data if self.pre else SPACES.sub(" ", data))

    def flush(self) -> None:
        text = "".join(self.words)
        self.words = []
        if not self.pre:
            text = text.strip()
        if not text:
            return
        indent = "  " * max(0, len(self.lists) - 1)
        quote = "> " * self.quotes
        for number, line in enumerate(text.split("\n")):
            lead = self.bullet if number == 0 else " " * len(self.bullet)
            self.lines.append(f"{quote}{indent}{lead}{line}".rstrip())
        self.bullet = ""

    def gap(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")

    def text(self) -> str:
        self.flush()
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """Readable plain text from (already sanitised) HTML; entities become characters."""
    writer = _TextWriter()
    writer.feed(html)
    writer.close()
    return writer.text()
