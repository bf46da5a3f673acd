"""City features as plugins. Each plugin is its own package here, found through entry points."""
