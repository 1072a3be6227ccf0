"""Migration operations for indexes only PostgreSQL has (GIN, GiST).

On any other database (the embedded SQLite) such an index exists in the
models' state only; what it serves falls back to a plain scan there.
"""

from django.db import migrations


class AddIndexOnPostgreSQL(migrations.AddIndex):
    """`AddIndex`, applied to PostgreSQL databases only."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
