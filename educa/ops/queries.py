"""Fixed SQL for the lookups every API request makes, built from model metadata.

Building and compiling an ORM query costs more here than PostgreSQL takes to
answer it. Through the ORM, the enrollment check and the Bearer user's row
made a cached `contents` request take 1.4 times the CPU and answer about
0.7 times as many requests a second (bench/README.md, "Framework parts
kept"). Each statement is built once per model from Django's documented
`Model._meta` API and quoted by the connection, so no table name is written
by hand and the same code runs on PostgreSQL and SQLite
(tests/ops/test_queries.py runs it on both).
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


def instance_with_pk(model: type[M], pk: object) -> M | None:
    """The `model` instance with primary key `pk`, or None; the ORM's column
    conversions apply (raw())."""
    return next(iter(model.objects.raw(_by_pk(model), [pk])), None)


@cache
def _select(model: type[Model], selected: str | None, fields: tuple[str, ...]) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name

    def column(field: str) -> str:
        return quote(model._meta.get_field(field).column)

    what = "1" if selected is None else column(selected)
    where = " AND ".join(f"{column(field)} = %s" for field in fields)
    # Only quoted names from the model go into the text; values are parameters.
    return f"SELECT {what} FROM {quote(model._meta.db_table)} WHERE {where} LIMIT 1"  # noqa: S608


@cache
def _by_pk(model: type[Model]) -> str:
    quote = connections[DEFAULT_DB_ALIAS].ops.quote_name
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    return f"SELECT * FROM {table} WHERE {pk} = %s"  # noqa: S608
