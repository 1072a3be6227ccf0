"""Ordered children: modules within a course, contents within a module."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Max, QuerySet


class OrderField(models.PositiveIntegerField):
    """A position that defaults to one past the last sibling.

    Siblings are the rows sharing the values of `for_fields` (the parent).
    Uniqueness per parent is a database constraint on the model; callers that
    append concurrently lock the parent row first.
    """

    def __init__(self, *args, for_fields: Sequence[str] | None = None, **kwargs):
        self.for_fields = list(for_fields or [])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.for_fields:
            kwargs["for_fields"] = self.for_fields
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> int:
        if getattr(model_instance, self.attname) is None:
            siblings = type(model_instance)._default_manager.filter(
                **{field: getattr(model_instance, field) for field in self.for_fields}
            )
            last = siblings.aggregate(last=Max(self.attname))["last"]
            setattr(model_instance, self.attname, 0 if last is None else last + 1)
        return super().pre_save(model_instance, add)


def rewrite_order(
    siblings: QuerySet, ordered_ids: Sequence[int], field: str = "order"
) -> None:
    """Give `siblings` the positions 0..n-1 in the order of `ordered_ids`.

    `ordered_ids` must name every sibling exactly once. Must run inside a
    transaction. The rows are first moved above every current position so
    that the unique (parent, order) constraint holds after every row update.
    """
    if not all(type(pk) is int for pk in ordered_ids):
        raise ValidationError(
            "The new order must be a list of ids.", code="invalid_order"
        )
    rows = list(siblings.select_for_update().order_by("pk").values_list("pk", field))
    current_ids = [pk for pk, _ in rows]
    if len(ordered_ids) != len(set(ordered_ids)) or sorted(ordered_ids) != current_ids:
        raise ValidationError(
            "The new order must list each of the %(count)d items exactly once.",
            code="invalid_order",
            params={"count": len(current_ids)},
        )
    if not rows:
        return
    offset = max(position for _, position in rows) + 1
    siblings.update(**{field: F(field) + offset})
    model = siblings.model
    model._default_manager.bulk_update(
        [model(pk=pk, **{field: position}) for position, pk in enumerate(ordered_ids)],
        [field],
    )
