"""The PostgreSQL extensions search uses: unaccent ("rosa" finds "Rósa") and
pg_trgm (similar spellings). Nothing to do on SQLite, which has its own
fallback (search/backends.py). Left in place when migrating backwards: other
code may come to rely on them."""

from django.db import migrations


def create_extensions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_extensions, migrations.RunPython.noop, elidable=False)]
