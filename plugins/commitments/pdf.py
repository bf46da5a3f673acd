"""The booklet and the progress report as PDF, made here with fpdf2 (no external service),
set in a TrueType font that has every character French pages need.

The font is checked before a PDF is made: a font without €, « », ’ or the narrow no-break
space would print blanks where the figures' spaces and the quotes are, silently."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos

NEEDED = "€éèêàâçôûœÉÀ«»’\u202f\u00a0—…→·"
MARGIN = 15


class FontMissing(RuntimeError):
    """The configured font cannot set French text: the PDF is refused rather than wrong."""


@cache
def check_font(path: str) -> None:
    if not Path(path).is_file():
        raise FontMissing(f"font file not found: {path} (install fonts-dejavu-core)")
    cmap = TTFont(path, lazy=True).getBestCmap()
    missing = [f"U+{ord(c):04X}" for c in NEEDED if ord(c) not in cmap]
    if missing:
        raise FontMissing(f"the font {path} lacks {', '.join(missing)}")


class Document(FPDF):
    """A4 pages in the city's words: a header line, page numbers, one font in two weights."""

    def __init__(self, regular: str, bold: str, title: str, footer: Callable[[int], str]):
        check_font(regular)
        check_font(bold)
        super().__init__(format="A4")
        self.add_font("Body", "", regular)
        self.add_font("Body", "B", bold)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 5)
        self.set_title(title)
        self.set_lang("fr")
        self.set_creator("civic-bridge")
        self.footer_text = footer
        self.add_page()

    def footer(self) -> None:
        self.set_y(-MARGIN)
        self.set_font("Body", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, self.footer_text(self.page_no()), align="C")
        self.set_text_color(0, 0, 0)

    def heading(self, text: str, size: int = 16) -> None:
        self.set_font("Body", "B", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")
        self.ln(2)

    def paragraph(self, text: str, size: int = 10, bold: bool = False) -> None:
        self.set_font("Body", "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def bullet(self, text: str, size: int = 10, indent: float = 4) -> None:
        self.set_font("Body", "", size)
        self.set_x(self.l_margin + indent)
        self.multi_cell(0, size * 0.5, "• " + text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def bars(self, rows: list[tuple[str, list[tuple[int, str]], str]]) -> None:
        """Stacked horizontal bars: (label, [(value, "#rrggbb")], figure printed after)."""
        biggest = max((sum(v for v, _ in parts) for _, parts, _ in rows), default=0) or 1
        label_w, bar_w, h = 55.0, self.epw - 55 - 12, 6.0
        self.set_font("Body", "", 9)
        for label, parts, figure in rows:
            if self.will_page_break(h + 2):
                self.add_page()
            y = self.get_y()
            self.set_xy(self.l_margin, y)
            self.cell(label_w - 2, h, _fit(self, label, label_w - 2))
            x = self.l_margin + label_w
            for value, colour in parts:
                if value:
                    w = bar_w * value / biggest
                    self.set_fill_color(*_rgb(colour))
                    self.rect(x, y + 0.5, w, h - 1, style="F")
                    x += w
            self.set_xy(x + 1.5, y)
            self.cell(10, h, figure)
            self.set_xy(self.l_margin, y + h + 1.5)

    def legend(self, items: list[tuple[str, str]]) -> None:
        self.set_font("Body", "", 9)
        for label, colour in items:
            width = self.get_string_width(label) + 10
            if self.get_x() + width > self.w - self.r_margin:
                self.ln(6)
            x, y = self.get_x(), self.get_y()
            self.set_fill_color(*_rgb(colour))
            self.rect(x, y + 1.2, 3.5, 3.5, style="F")
            self.set_x(x + 5)
            self.cell(width - 5, 6, label)
        self.ln(9)


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
