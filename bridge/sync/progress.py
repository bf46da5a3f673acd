"""A progress line for `bridge sync` on a terminal; silent when output is not a terminal."""

from __future__ import annotations

import sys
from typing import TextIO

from bridge.sync.engine import Progress


class TerminalProgress:
    def __init__(self, instance: str, stream: TextIO | None = None):
        self.instance = instance
        self.stream = stream or sys.stderr
        self.active = self.stream.isatty()
        self._width = 0

    def __call__(self, event: Progress) -> None:
        if not self.active:
            return
        done = event.component - 1
        bar_width = 20
        filled = int(bar_width * done / max(event.components, 1))
        line = (
            f"\r{self.instance} [{'#' * filled}{'.' * (bar_width - filled)}] "
            f"component {event.component}/{event.components} {event.resource}: "
            f"{event.records} records, {event.pages} pages"
        )
        self._width = max(self._width, len(line))
        self.stream.write(line.ljust(self._width))
        self.stream.flush()

    def close(self) -> None:
        if self.active and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
