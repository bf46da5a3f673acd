"""What a process pays to start: the app with the bundled plugins imports no PDF library (fpdf2
and fontTools, about a second), which only a PDF download needs. Every `bridge` command and
test that starts one builds that app."""

from __future__ import annotations

import subprocess
import sys

APP_THEN_MODULES = """
import sys
from bridge.app import create_app
from bridge.config import Settings
create_app(Settings(database_url="sqlite://", secret_key="s"))
print(" ".join(sorted(name for name in ("fpdf", "fontTools") if name in sys.modules)))
"""


def test_the_app_imports_no_pdf_library():
    made = subprocess.run(
        [sys.executable, "-c", APP_THEN_MODULES],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert made.stdout.split() == [], made.stdout
