"""The one way services change some fields of a model instance."""

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model


def change_fields(
    instance: Model,
    fields: Mapping[str, Any],
    *,
    editable: Collection[str],
    also_save: Sequence[str] = (),
    exclude_from_clean: Sequence[str] | None = None,
) -> None:
    """Set `fields` (only names in `editable`), validate the instance, and save
    just those columns plus `also_save` (e.g. an auto_now `updated`).

    A name outside `editable` is a ValidationError and changes nothing.
    """
    if unknown := set(fields) - set(editable):
        raise ValidationError(f"Cannot change {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=exclude_from_clean)
    instance.save(update_fields=[*fields, *also_save])
