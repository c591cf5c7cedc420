"""A small check of a page's HTML with the standard library: every id that an ARIA attribute
or a label names must exist in the same document, or a screen reader reads nothing."""

from __future__ import annotations

from html.parser import HTMLParser

# Attributes whose value is a space-separated list of ids in the document.
ID_REFERENCES = ("aria-describedby", "aria-labelledby", "aria-controls", "aria-errormessage")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.wanted: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            elif name in ID_REFERENCES:
                self.wanted.extend((tag, name, ref) for ref in value.split())
            elif name == "for" and tag == "label":
                self.wanted.append((tag, name, value))


def missing_references(html: str) -> list[str]:
    """'<tag attribute="id">' for each reference to an id the document does not have."""
    parser = _References()
    parser.feed(html)
    parser.close()
    return [f'<{tag} {name}="{ref}">' for tag, name, ref in parser.wanted if ref not in parser.ids]
