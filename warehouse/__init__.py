"""The warehouse: its connection (embedded or external PostgreSQL), migrations, settings and stage SQL."""
