"""Cache generations live in the database and never repeat a value."""

import pytest
from django.db import transaction

from educa.ops.generations import bump_generation, current_generation
from educa.ops.models import CacheGeneration

pytestmark = pytest.mark.django_db


def test_a_generation_never_bumped_is_zero():
    assert current_generation("nothing-yet") == 0


def test_each_bump_gives_a_new_larger_generation():
    bump_generation("catalog")
    first = current_generation("catalog")

    bump_generation("catalog")

    assert current_generation("catalog") > first > 0


def _bump_then_fail() -> None:
    with transaction.atomic():
        bump_generation("catalog")
        raise RuntimeError("the write fails")


def test_a_bump_rolls_back_with_its_transaction():
    bump_generation("catalog")
    before = current_generation("catalog")

    with pytest.raises(RuntimeError):
        _bump_then_fail()

    assert current_generation("catalog") == before


def test_a_generation_restored_from_an_old_backup_never_repeats_a_newer_one():
    bump_generation("catalog")
    old = current_generation("catalog")
    bump_generation("catalog")
    newer = current_generation("catalog")
    CacheGeneration.objects.filter(name="catalog").update(value=old)  # the restore

    bump_generation("catalog")

    assert current_generation("catalog") > newer
