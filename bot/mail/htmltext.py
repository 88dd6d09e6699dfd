"""The visible text of an HTML mail part, with block elements as line breaks and blockquotes as '>' quotes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = {"script", "style", "title", "template"}
_LINE_TAGS = {"div", "li", "tr", "ul", "ol", "dl", "dt", "dd", "table", "hr", "section", "article", "header",
              "footer", "address", "center", "form"}
_PARAGRAPH_TAGS = {"p", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}


class _HtmlText(HTMLParser):
    """Visible text of an HTML mail; block elements become line breaks, blockquotes become '>' quotes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line = ""
        self.skip = 0
        self.quote = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        elif tag == "br":
            self._push()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            self.quote += tag == "blockquote"
            self.pre += tag == "pre"
        elif tag in _LINE_TAGS:
            self._end_line()
            if tag == "li":
                self._write("- ")
        elif tag in ("td", "th"):
            self._write(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "blockquote":
                self.quote = max(0, self.quote - 1)
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
        elif tag in _LINE_TAGS:
            self._end_line()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            self._write(re.sub(r"\s+", " ", data))
            return
        for number, piece in enumerate(data.replace("\r\n", "\n").split("\n")):
            if number:
                self._push()
            self._write(piece)

    def text(self) -> str:
        self._end_line()
        return "\n".join(self.lines)

    def _write(self, text: str) -> None:
        if not self.line:
            text = text if self.pre else text.lstrip()
            if not text:
                return
            if self.quote:
                self.line = ">" * self.quote + " "
        self.line += text

    def _push(self) -> None:
        self.lines.append(self.line.rstrip())
        self.line = ""

    def _end_line(self) -> None:
        if self.line.strip():
            self._push()
        self.line = ""

    def _paragraph(self) -> None:
        self._end_line()
        if self.lines and self.lines[-1]:
            self.lines.append("")


def html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # html.parser/_markupbase on broken declarations ("<![foo[", ...): keep what was read so far
        pass
    return parser.text()

