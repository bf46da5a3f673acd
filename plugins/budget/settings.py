"""The budget plugin's settings, the `[plugins.budget]` table of the deployment's TOML file."""

from __future__ import annotations

from dataclasses import dataclass, field

from plugins.budget.csvimport import OPTIONAL, REQUIRED


@dataclass(frozen=True)
class BudgetSettings:
    # The finance department's CSV header names, when they differ from ours:
    # [plugins.budget.columns] amount = "Montant TTC"
    columns: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ours = REQUIRED + OPTIONAL
        unknown = sorted(set(self.columns) - set(ours))
        if unknown:
            raise ValueError(f"columns: no column {unknown[0]!r} (known: {', '.join(ours)})")
