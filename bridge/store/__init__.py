"""The store: SQLAlchemy models, sessions and Alembic migrations. Knows nothing above it."""
