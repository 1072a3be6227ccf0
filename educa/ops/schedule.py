"""Periodic tasks: each entry of TASK_SCHEDULE is enqueued once per slot of
its cron expression (UTC), by whichever worker looks first.

No library for Django's tasks API schedules on Python 3.11 (django-crontask
needs 3.12, django-periodic-tasks 3.13), so this is a small loop step on
croniter: each worker asks, every few seconds, which slot of each entry is
the latest due, and claims it with one conditional UPDATE of the entry's
ScheduledRun row. Only the worker whose UPDATE changed the row enqueues, so
several workers on several hosts run each slot once. A slot missed while
no worker ran is run when one starts again (only the latest one).
"""

import logging
from datetime import datetime

from croniter import croniter
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from educa.ops.models import ScheduledRun

logger = logging.getLogger(__name__)


def latest_slot(cron: str, now: datetime) -> datetime:
    """The latest time at or before `now` that `cron` names."""
    return croniter(cron, now).get_prev(datetime)


def claim_slot(name: str, slot: datetime) -> bool:
    """Record `slot` as run for `name`; True for the one caller that did."""
    if ScheduledRun.objects.filter(name=name, slot__lt=slot).update(slot=slot):
        return True
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(name=name, slot=slot)
    except IntegrityError:  # it exists: this slot (or a later one) was run
        return False
    return True


def enqueue_due(now: datetime) -> list[str]:
    """Enqueue each scheduled task whose latest slot has not run; their names."""
    enqueued = []
    for name, entry in settings.TASK_SCHEDULE.items():
        slot = latest_slot(entry["cron"], now)
        with transaction.atomic():
            if not claim_slot(name, slot):
                continue
            task = import_string(entry["task"])
            transaction.on_commit(task.enqueue)
        logger.info("schedule: %s enqueued for %s", name, slot.isoformat())
        enqueued.append(name)
    return enqueued
