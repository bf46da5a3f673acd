"""The plugin's own settings: its table of the bridge's TOML file, `[plugins.NAME]`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Settings:
    """Every field has a default; the bridge refuses to start on a wrong value."""

    max_note_length: int = 500
    log_cron: str = "0 6 * * *"  # when the nightly job logs the digest (crontab, Paris time)

    def __post_init__(self) -> None:
        if self.max_note_length < 1:
            raise ValueError("max_note_length must be at least 1")
        if len(self.log_cron.split()) != 5:
            raise ValueError(f"log_cron has five fields, like 0 6 * * * (got {self.log_cron!r})")
