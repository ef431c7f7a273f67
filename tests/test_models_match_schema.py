"""Every model field, managed or not, against the columns the migrations' SQL made:
column, type, nullability and, where the spec fixes one, the default. A column the SQL
changes without the model (or the reverse) fails here, not in production."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection

# Django's field types and the PostgreSQL types (information_schema.data_type) that hold them.
TYPES = {
    "UUIDField": {"uuid"},
    "CharField": {"character varying", "text"},
    "TextField": {"text", "character varying"},
    "EmailField": {"character varying", "text"},
    "BooleanField": {"boolean"},
    "DateTimeField": {"timestamp with time zone"},
    "JSONField": {"jsonb"},
    "GenericIPAddressField": {"inet"},
    "IntegerField": {"integer"},
    "BigIntegerField": {"bigint"},
    "PositiveIntegerField": {"integer"},
    "BigAutoField": {"bigint"},
    "AutoField": {"integer"},
    "FloatField": {"double precision"},
    "DurationField": {"interval"},
}
# Defaults the spec fixes for user_profiles (information_schema.column_default).
SPEC_DEFAULTS = {
    ("public", "user_profiles", "id"): "gen_random_uuid()",
    ("public", "user_profiles", "role"): "'user'::character varying",
    ("public", "user_profiles", "is_active"): "true",
    ("public", "user_profiles", "created_at"): "now()",
    ("public", "user_profiles", "updated_at"): "now()",
}


def relation(model) -> tuple[str, str]:
    table = model._meta.db_table
    if "." in table:
        schema, name = table.replace('"', "").split(".")
        return schema, name
    return "public", table


def columns(schema: str, table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.column_name, c.data_type, c.is_nullable, c.column_default, t.table_type "
            "FROM information_schema.columns c JOIN information_schema.tables t "
            "USING (table_schema, table_name) WHERE table_schema = %s AND table_name = %s",
            [schema, table],
        )
        names = [d.name for d in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


def usersync_models():
    return [m for m in apps.get_app_config("usersync").get_models() if not m._meta.proxy]


def field_cases():
    for model in usersync_models():
        for field in model._meta.concrete_fields:
            yield pytest.param(model, field, id=f"{model.__name__}.{field.name}")


@pytest.mark.django_db
@pytest.mark.parametrize("model, field", list(field_cases()))
def test_model_field__matches_its_column(model, field):
    schema, table = relation(model)
    found = columns(schema, table)
    assert found, f"{schema}.{table} does not exist"
    column = found.get(field.column)
    assert column, f"{schema}.{table} has no column {field.column} for {model.__name__}"
    internal = field.target_field.get_internal_type() if field.is_relation else None
    kind = internal or field.get_internal_type()
    assert column["data_type"] in TYPES[kind], (kind, column["data_type"])
    if column["table_type"] == "BASE TABLE" and not field.primary_key:
        # A model that says NOT NULL where the column allows NULL would crash on reading
        # a NULL; the reverse would let Django write a NULL the database refuses.
        assert (column["is_nullable"] == "YES") == field.null, "nullability differs"


@pytest.mark.django_db
@pytest.mark.parametrize("key, default", list(SPEC_DEFAULTS.items()), ids=str)
def test_user_profiles__defaults_are_the_specs(key, default):
    schema, table, name = key
    assert columns(schema, table)[name]["column_default"] == default


@pytest.mark.django_db
def test_models__cover_every_column_of_usersyncs_own_tables():
    for model in usersync_models():
        if not model._meta.managed:
            continue  # auth.users has 35 columns; the model maps the ones usersync reads
        schema, table = relation(model)
        mapped = {f.column for f in model._meta.concrete_fields}
        assert set(columns(schema, table)) == mapped, model.__name__
