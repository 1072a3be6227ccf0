"""Fixed SQL for the lookups every API request makes, built from model metadata.

Building and compiling an ORM query costs more here than PostgreSQL takes to
answer it. Through the ORM, the enrollment check and the Bearer user's row
made a cached `contents` request take 1.4 times the CPU and answer about
0.7 times as many requests a second (bench/README.md, "Framework parts
kept"); a quiz submission reads its attempt and counts the student's
progress with them too (bench/README.md, "The exam starts"). Each
statement is built once per model from Django's documented `Model._meta`
API and quoted by the connection, so no table name is written by hand and
the same code runs on PostgreSQL and SQLite (tests/ops/test_queries.py
runs it on both).
"""

from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


def row_exists(model: type[Model], **values: object) -> bool:
    """Whether `model` has a row whose fields equal `values` (field names as
    keys, primary keys for relations)."""
    return _first_row(model, None, values) is not None


def value_of(model: type[Model], field: str, **values: object) -> object | None:
    """`field` of the row of `model` whose fields equal `values`, or None
    without such a row. No conversion: for plain numbers and text."""
    row = _first_row(model, field, values)
    return None if row is None else row[0]


def _first_row(
    model: type[Model], selected: str | None, values: dict[str, object]
) -> tuple | None:
    fields = tuple(values)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(
            _select(model, selected, fields), [values[field] for field in fields]
        )
        return cursor.fetchone()


def count_rows(model: type[Model], **values: object) -> int:
    """How many rows of `model` have fields equal to `values`."""
    fields = tuple(values)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_count(model, fields), [values[field] for field in fields])
        return cursor.fetchone()[0]


def instance_with_pk(model: type[M], pk: object) -> M | None:
    """The `model` instance with primary key `pk`, or None; the ORM's column
    conversions apply (raw())."""
    return next(iter(model.objects.raw(_by_pk(model), [pk])), None)


@cache
def _select(model: type[Model], selected: str | None, fields: tuple[str, ...]) -> str:
    what = "1" if selected is None else _column(model, selected)
    # Only quoted names from the model go into the text; values are parameters.
    return f"SELECT {what} FROM {_table(model)} WHERE {_where(model, fields)} LIMIT 1"  # noqa: S608


@cache
def _count(model: type[Model], fields: tuple[str, ...]) -> str:
    return f"SELECT COUNT(*) FROM {_table(model)} WHERE {_where(model, fields)}"  # noqa: S608


def _where(model: type[Model], fields: tuple[str, ...]) -> str:
    return " AND ".join(f"{_column(model, field)} = %s" for field in fields)


def _table(model: type[Model]) -> str:
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(model._meta.db_table)


def _column(model: type[Model], field: str) -> str:
    column = model._meta.get_field(field).column
    return connections[DEFAULT_DB_ALIAS].ops.quote_name(column)


@cache
def _by_pk(model: type[Model]) -> str:
    pk = _column(model, model._meta.pk.name)
    return f"SELECT * FROM {_table(model)} WHERE {pk} = %s"  # noqa: S608
