"""HTML: block elements become lines, lists keep their numbering, tables the flattened layout."""

from __future__ import annotations

from ingest.readers.layout import table_lines


def html_to_lines(text: str) -> list[str]:
    from html.parser import HTMLParser

    class _Collector(HTMLParser):
        BLOCKS = {"p", "div", "br", "li", "section", "article", "header", "footer", "blockquote", "pre", "dt", "dd",
                  "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul", "ol", "hr", "body", "main", "caption"}  # fmt: skip
        SKIP = {"script", "style", "noscript", "template", "head", "svg"}

        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.lines: list[str] = []
            self.buffer: list[str] = []
            self.skip_depth = 0
            self.lists: list[list[int]] = []  # per open list: [is_ordered, counter]
            self.row: list[str] | None = None
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None
            self.table_depth = 0
            self.heading = 0

        def flush(self) -> None:
            text = " ".join("".join(self.buffer).split())
            self.buffer = []
            if text:
                self.lines.append(("#" * self.heading + " " + text) if self.heading else text)

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag in self.SKIP:
                self.skip_depth += 1
                return
            if self.cell is not None and tag != "td" and tag != "th" and tag != "tr":
                if tag in ("br", "p", "li", "div"):
                    self.cell.append(" ")
                return
            if tag == "table":
                self.flush()
                self.table_depth += 1
                self.rows = []
            elif tag == "tr" and self.table_depth:
                self.row = []
            elif tag in ("td", "th") and self.row is not None:
                self.cell = []
            elif tag in ("ul", "ol"):
                self.flush()
                self.lists.append([1 if tag == "ol" else 0, 0])
            elif tag == "li":
                self.flush()
                if self.lists:
                    ordered, count = self.lists[-1]
                    self.lists[-1][1] = count + 1
                    self.buffer.append(f"{count + 1}. " if ordered else "- ")
            elif tag in self.BLOCKS:
                self.flush()
                if tag[0] == "h" and tag[1:].isdigit():
                    self.heading = int(tag[1:])

        def handle_endtag(self, tag: str) -> None:
            if tag in self.SKIP:
                self.skip_depth = max(0, self.skip_depth - 1)
                return
            if tag in ("td", "th") and self.cell is not None and self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                self.rows.append(self.row)
                self.row = None
            elif tag == "table" and self.table_depth:
                self.table_depth -= 1
                self.lines.extend(table_lines(self.rows))
                self.rows = []
            elif self.cell is not None:
                return
            elif tag in ("ul", "ol") and self.lists:
                self.flush()
                self.lists.pop()
            elif tag in self.BLOCKS:
                self.flush()
                self.heading = 0

        def handle_data(self, data: str) -> None:
            if self.skip_depth:
                return
            (self.cell if self.cell is not None else self.buffer).append(data)

    collector = _Collector()
    collector.feed(text)
    collector.close()
    collector.flush()
    return collector.lines
