"""The sync engine: plan -> fetch pages -> normalise -> upsert -> record changes."""
