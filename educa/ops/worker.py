"""The task worker: django-tasks-db's worker plus what it leaves out.

django-tasks-db runs the tasks stored by `TASK_BACKEND=database` (its
`db_worker` loop: claim a ready row with SELECT ... FOR UPDATE SKIP LOCKED,
run it, record the outcome). It neither retries a failed task nor notices a
worker that died mid-task (its task would stay "RUNNING" for ever), so this
worker adds:

- retries: a task that raised runs again after a growing delay, up to
  TASK_MAX_ATTEMPTS attempts in all, each failure logged;
- a heartbeat: every WORKER_HEARTBEAT_SECONDS the worker stamps its
  WorkerHeartbeat row (`/readyz` and `worker --health` read them);
- recovery: a running task whose worker has not been heard from for
  WORKER_DEAD_AFTER_SECONDS is made ready again (an attempt spent);
- the schedule of periodic tasks (educa/ops/schedule.py).

The last three run on a housekeeping thread beside the worker loop. Tasks
may thus run more than once (a retry, a worker that died after its work but
before recording it): every task must be idempotent. E-mail is, by its
sent-log (educa/mail).
"""

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker as DatabaseWorker
from django_tasks_db.models import DBTaskResult

from educa.ops.models import WorkerHeartbeat
from educa.ops.schedule import enqueue_due

logger = logging.getLogger(__name__)

# Heartbeat rows of workers gone this long are deleted.
FORGET_WORKERS_AFTER = timedelta(days=1)


def new_worker_id() -> str:
    """Unique across hosts and restarts, and says where the worker runs."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


def retry_delay(attempts: int) -> timedelta:
    """TASK_RETRY_SECONDS after the first failure, then twice as long each time."""
    return timedelta(seconds=settings.TASK_RETRY_SECONDS * 2 ** (attempts - 1))


def give_another_attempt(result: DBTaskResult, *, status: str) -> bool:
    """Make a failed (or orphaned) task ready again, unless its attempts are
    spent; True if it will run again. Only a row still in `status` changes,
    so two workers never both revive it."""
    attempts = len(result.worker_ids)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        logger.error(
            "task %s (%s) gave up after %d attempts",
            result.pk,
            result.task_path,
            attempts,
        )
        if status == TaskResultStatus.RUNNING:
            DBTaskResult.objects.filter(pk=result.pk, status=status).update(
                status=TaskResultStatus.FAILED, finished_at=timezone.now()
            )
        return False
    run_after = timezone.now() + retry_delay(attempts)
    revived = DBTaskResult.objects.filter(pk=result.pk, status=status).update(
        status=TaskResultStatus.READY, run_after=run_after, finished_at=None
    )
    if revived:
        logger.warning(
            "task %s (%s) runs again at %s (attempt %d of %d)",
            result.pk,
            result.task_path,
            run_after.isoformat(),
            attempts + 1,
            settings.TASK_MAX_ATTEMPTS,
        )
    return bool(revived)


def live_worker_ids() -> set[str]:
    since = timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    return set(
        WorkerHeartbeat.objects.filter(seen__gte=since).values_list(
            "worker_id", flat=True
        )
    )


def recover_orphans() -> int:
    """Give the running tasks of dead workers another attempt; how many."""
    dead_after = timedelta(seconds=settings.WORKER_DEAD_AFTER_SECONDS)
    running = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=timezone.now() - dead_after
    )
    alive = live_worker_ids()
    recovered = 0
    for result in running:
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        logger.warning(
            "task %s (%s): its worker %s stopped mid-task",
            result.pk,
            result.task_path,
            result.worker_ids[-1] if result.worker_ids else "?",
        )
        recovered += give_another_attempt(result, status=TaskResultStatus.RUNNING)
    return recovered


def alive_workers() -> int:
    return len(live_worker_ids())


class Housekeeping:
    """Heartbeat, recovery and schedule, every WORKER_HEARTBEAT_SECONDS."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.started = timezone.now()
        self.stopped = threading.Event()

    def beat(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"seen": now},
            create_defaults={
                "seen": now,
                "started": self.started,
                "host": socket.gethostname(),
                "pid": os.getpid(),
            },
        )

    def tick(self, *, database_tasks: bool) -> None:
        close_old_connections()
        try:
            self.beat()
            if database_tasks:
                recover_orphans()
                WorkerHeartbeat.objects.filter(
                    seen__lt=timezone.now() - FORGET_WORKERS_AFTER
                ).delete()
            enqueue_due(timezone.now())
        except DatabaseError:
            logger.exception("worker %s: housekeeping failed", self.worker_id)

    def loop(self, *, database_tasks: bool) -> None:
        while not self.stopped.is_set():
            self.tick(database_tasks=database_tasks)
            self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)

    def start(self, *, database_tasks: bool) -> threading.Thread:
        thread = threading.Thread(
            target=self.loop,
            kwargs={"database_tasks": database_tasks},
            name="educa-housekeeping",
            daemon=True,
        )
        thread.start()
        return thread

    def stop(self) -> None:
        self.stopped.set()
        close_old_connections()
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except DatabaseError:  # its row goes stale and is forgotten later
            logger.warning("worker %s: could not say goodbye", self.worker_id)


class Worker(DatabaseWorker):
    """django-tasks-db's loop, retrying what fails and riding out database
    outages (its own loop would exit on the first error)."""

    def run(self) -> None:
        while self.running:
            try:
                super().run()
            except DatabaseError as error:
                logger.warning(
                    "worker %s: database unavailable (%s); trying again",
                    self.worker_id,
                    error,
                )
                connection.close()
                time.sleep(max(self.interval, 1.0))
            else:
                return

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            give_another_attempt(db_task_result, status=TaskResultStatus.FAILED)
