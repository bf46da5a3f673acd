"""The `[plugins.commitments]` table: the fonts the PDFs are set in."""

from __future__ import annotations

from dataclasses import dataclass

DEJAVU = "/usr/share/fonts/truetype/dejavu/"  # Debian's fonts-dejavu-core (see the Dockerfile)


@dataclass(frozen=True)
class CommitmentsSettings:
    # A TrueType font with €, é, « », ’ and the narrow no-break space (checked when a PDF is
    # made): DejaVu Sans by default.
    font_regular: str = DEJAVU + "DejaVuSans.ttf"
    font_bold: str = DEJAVU + "DejaVuSans-Bold.ttf"
