"""Indexes that let PostgreSQL answer a search without reading every row
(200,000 interactions took 1.4 s to scan; docs/performance.md).

Two IMMUTABLE SQL functions, so that an index may hold their results:
search_fold(text), lower case without accents (the SQLite fallback registers
a Python function of the same name, search/apps.py), and search_document(a,
b, c), the weighted full-text document of up to three fields, the first
weighing most. unaccent() itself is only STABLE because its dictionary
could change; the wrapper names the dictionary, so its result for a given
text does not. search/backends.py asks for exactly these expressions, which
is what lets the planner use the indexes.

On SQLite there is nothing to do: the fallback reads every row, which is
fine at development sizes."""

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION search_fold(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, value)) $$;

CREATE OR REPLACE FUNCTION search_document(a text, b text DEFAULT NULL, c text DEFAULT NULL)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT setweight(to_tsvector('simple'::regconfig, coalesce(search_fold(a), '')), 'A')
    || setweight(to_tsvector('simple'::regconfig, coalesce(search_fold(b), '')), 'B')
    || setweight(to_tsvector('simple'::regconfig, coalesce(search_fold(c), '')), 'C') $$;
"""

# (index name, table, expression, access method and operator class)
INDEXES = (
    ("search_organization_document", "partners_organization", "search_document(name, service_area, description)", ""),
    ("search_organization_name", "partners_organization", "search_fold(name)", "gin_trgm_ops"),
    ("search_contact_document", "partners_contact", "search_document(name_or_alias, role)", ""),
    ("search_contact_name", "partners_contact", "search_fold(name_or_alias)", "gin_trgm_ops"),
    ("search_interaction_document", "partners_interaction", "search_document(summary)", ""),
    ("search_request_document", "partners_supportrequest", "search_document(description)", ""),
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    for name, table, expression, opclass in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (({expression}) {opclass})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, *_ in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_document(text, text, text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS search_fold(text)")


class Migration(migrations.Migration):
    dependencies = [("search", "0001_postgres_extensions"), ("partners", "0012_import_batch")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
