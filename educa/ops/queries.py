"""Fixed SQL for the lookups every API request makes, and a quiz submission's
write, built from model metadata.

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

`update_then_insert` is the one write: on PostgreSQL a conditional UPDATE
and the INSERT that depends on it are one statement, atomic without a
transaction, where `transaction.atomic()` takes four round trips (BEGIN,
UPDATE, INSERT, COMMIT); a passed quiz submission answered 1.22 times as
many requests a second with it (bench/README.md, "A pass in one
statement").
"""

from functools import cache
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Field, Model

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


def update_then_insert(
    model: type[Model],
    pk: object,
    *,
    where: dict[str, object],
    values: dict[str, object],
    insert: Model | None = None,
) -> bool:
    """Set `values` (field names as keys) on the row of `model` with primary
    key `pk` if its fields equal `where`, and only if it did, insert the
    unsaved instance `insert` (nothing when that breaks a unique constraint,
    as `bulk_create(ignore_conflicts=True)`): both or neither. True if the
    row was updated. Values are converted as the ORM's `update()` and
    `save()` convert them; no signals are sent.

    SQLite has no UPDATE inside WITH: there the ORM's two statements run
    in a transaction.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        with transaction.atomic():
            updated = model._base_manager.filter(pk=pk, **where).update(**values)
            if updated and insert is not None:
                type(insert)._base_manager.bulk_create([insert], ignore_conflicts=True)
        return bool(updated)
    params = [_db_value(model, name, value) for name, value in values.items()]
    params += [pk, *(_db_value(model, name, value) for name, value in where.items())]
    if insert is None:
        statement = _update(model, tuple(values), tuple(where))
    else:
        inserted = _inserted_fields(insert)
        params += [
            field.get_db_prep_save(field.pre_save(insert, add=True), connection)
            for field in inserted
        ]
        statement = _update_then_insert(
            model,
            tuple(values),
            tuple(where),
            type(insert),
            tuple(field.name for field in inserted),
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return (cursor.rowcount if insert is None else cursor.fetchone()[0]) > 0


def _db_value(model: type[Model], name: str, value: object) -> object:
    return model._meta.get_field(name).get_db_prep_save(
        value, connections[DEFAULT_DB_ALIAS]
    )


def _inserted_fields(instance: Model) -> list[Field]:
    """The columns an INSERT of `instance` writes: all but an unset primary
    key and generated columns."""
    return [
        field
        for field in instance._meta.get_fields()
        if field.concrete
        and not getattr(field, "generated", False)
        and not (field.primary_key and instance.pk is None)
    ]


@cache
def _update(model: type[Model], values: tuple[str, ...], where: tuple[str, ...]) -> str:
    assignments = ", ".join(f"{_column(model, name)} = %s" for name in values)
    conditions = _where(model, (model._meta.pk.name, *where))
    # Only quoted names from the model go into the text; values are parameters.
    return f"UPDATE {_table(model)} SET {assignments} WHERE {conditions}"  # noqa: S608


@cache
def _update_then_insert(
    model: type[Model],
    values: tuple[str, ...],
    where: tuple[str, ...],
    inserted_model: type[Model],
    inserted: tuple[str, ...],
) -> str:
    columns = ", ".join(_column(inserted_model, name) for name in inserted)
    placeholders = ", ".join("%s" for _ in inserted)
    # Only quoted names from the models go into the text; values are parameters.
    return (
        f"WITH updated AS ({_update(model, values, where)} RETURNING 1), "  # noqa: S608
        f"inserted AS (INSERT INTO {_table(inserted_model)} ({columns}) "
        f"SELECT {placeholders} FROM updated ON CONFLICT DO NOTHING) "
        "SELECT COUNT(*) FROM updated"
    )


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
