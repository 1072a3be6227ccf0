"""The task worker for real: `python -m django worker` processes on the
test's PostgreSQL, sending through the test's SMTP server; retries,
heartbeats, a worker killed mid-task, the schedule."""

import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from educa.mail.models import SentEmail
from educa.mail.services import queue_email
from educa.ops.models import ScheduledRun, WorkerHeartbeat
from educa.ops.schedule import claim_slot, enqueue_due
from educa.ops.worker import Worker, recover_orphans
from tests.servers import REPO

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
RAN = []


@task()
def fails_twice() -> str:
    RAN.append("fails_twice")
    if len(RAN) < 3:
        raise RuntimeError("not yet")
    return "done"


@task()
def counts() -> None:
    RAN.append("counts")


@pytest.fixture
def database_tasks(settings):
    settings.TASK_BACKEND = "database"
    settings.TASKS = DATABASE_TASKS
    RAN.clear()


@contextmanager
def worker_process(env: dict[str, str]):
    process = subprocess.Popen(
        [sys.executable, "-m", "django", "worker", "--interval", "0.2"],
        env=env,
        cwd=REPO,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def wait_until(check, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.1)
    raise AssertionError("timed out")


def reminder(to: str) -> SentEmail:
    return queue_email(
        kind="enrollment_reminder",
        to=to,
        key=to,
        context={"name": to, "days": 9, "catalog_url": "http://x/", "courses": []},
    )


def test_the_worker_process_sends_a_stored_email_on_postgresql(
    database_tasks, worker_env, smtp
):
    email = reminder("ann@example.com")
    [stored] = DBTaskResult.objects.filter(task_path="educa.mail.tasks.deliver_email")
    assert stored.status == TaskResultStatus.READY

    with worker_process(worker_env):
        [message] = smtp.inbox.wait_for(1)
        wait_until(
            lambda: (
                DBTaskResult.objects.get(pk=stored.pk).status
                == TaskResultStatus.SUCCESSFUL
            )
        )

    assert message["To"] == "ann@example.com"
    assert message["Subject"] == "ann@example.com, your first Educa course is waiting"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (SentEmail.Status.SENT, 1)
    assert WorkerHeartbeat.objects.count() == 0  # a clean stop says goodbye


def test_a_worker_killed_mid_send_leaves_nothing_sent_twice(
    database_tasks, worker_env, smtp
):
    first, second = reminder("first@example.com"), reminder("second@example.com")
    smtp.inbox.stall = 30  # the server keeps the first e-mail, answers late

    with worker_process(worker_env) as doomed:
        smtp.inbox.wait_for(1)
        doomed.send_signal(signal.SIGKILL)
        doomed.wait()
    smtp.inbox.stall = 0
    orphan = DBTaskResult.objects.get(status=TaskResultStatus.RUNNING)

    with worker_process(worker_env):
        wait_until(
            lambda: (
                not DBTaskResult.objects.exclude(
                    status=TaskResultStatus.SUCCESSFUL
                ).exists()
            ),
            timeout=60,
        )

    assert sorted(m["To"] for m in smtp.inbox.messages) == [
        "first@example.com",
        "second@example.com",
    ]
    orphan.refresh_from_db()
    assert len(orphan.worker_ids) == 2  # given to the second worker
    first.refresh_from_db()
    second.refresh_from_db()
    # The first was on the wire when its worker died: never sent again.
    assert (first.status, second.status) == (
        SentEmail.Status.SENDING,
        SentEmail.Status.SENT,
    )


def run_ready_tasks(worker_id: str = "test-worker") -> None:
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    ).run()


def test_a_failing_task_is_retried_until_it_succeeds(
    database_tasks, transactional_db, settings
):
    settings.TASK_RETRY_SECONDS = 0
    settings.TASK_MAX_ATTEMPTS = 5
    result = fails_twice.enqueue()

    for _ in range(3):
        run_ready_tasks()

    stored = DBTaskResult.objects.get(pk=result.id)
    assert (stored.status, len(stored.worker_ids)) == (TaskResultStatus.SUCCESSFUL, 3)
    assert RAN == ["fails_twice"] * 3


def test_a_task_gives_up_after_its_attempts(database_tasks, transactional_db, settings):
    settings.TASK_RETRY_SECONDS = 0
    settings.TASK_MAX_ATTEMPTS = 2
    result = fails_twice.enqueue()

    for _ in range(3):
        run_ready_tasks()

    stored = DBTaskResult.objects.get(pk=result.id)
    assert (stored.status, len(stored.worker_ids)) == (TaskResultStatus.FAILED, 2)
    assert RAN == ["fails_twice"] * 2


def test_a_retry_waits_longer_each_time(database_tasks, transactional_db, settings):
    settings.TASK_RETRY_SECONDS = 60
    result = fails_twice.enqueue()
    before = timezone.now()

    run_ready_tasks()

    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == TaskResultStatus.READY
    assert before + timedelta(seconds=59) < stored.run_after
    assert stored.run_after < before + timedelta(seconds=70)


def test_only_the_running_tasks_of_dead_workers_are_recovered(
    database_tasks, transactional_db, settings
):
    settings.WORKER_DEAD_AFTER_SECONDS = 10
    long_ago = timezone.now() - timedelta(minutes=5)
    alive = counts.enqueue()
    dead = counts.enqueue()
    WorkerHeartbeat.objects.create(
        worker_id="alive", host="h", pid=1, started=long_ago, seen=timezone.now()
    )
    WorkerHeartbeat.objects.create(
        worker_id="dead", host="h", pid=2, started=long_ago, seen=long_ago
    )
    for result, worker in ((alive, "alive"), (dead, "dead")):
        DBTaskResult.objects.filter(pk=result.id).update(
            status=TaskResultStatus.RUNNING, started_at=long_ago, worker_ids=[worker]
        )

    assert recover_orphans() == 1

    assert DBTaskResult.objects.get(pk=alive.id).status == TaskResultStatus.RUNNING
    assert DBTaskResult.objects.get(pk=dead.id).status == TaskResultStatus.READY


def test_each_slot_is_claimed_once(db):
    now = timezone.now().replace(second=0, microsecond=0)

    claims = [claim_slot("sweep", now), claim_slot("sweep", now)]

    assert claims == [True, False]
    assert claim_slot("sweep", now + timedelta(minutes=1))
    assert not claim_slot("sweep", now)  # an older slot never runs again


def test_the_schedule_enqueues_each_due_task_once(
    database_tasks, transactional_db, settings
):
    settings.TASK_SCHEDULE = {
        "counting": {"task": "tests.ops.test_worker.counts", "cron": "*/5 * * * *"}
    }
    now = timezone.now()

    first, again = enqueue_due(now), enqueue_due(now)

    assert (first, again) == (["counting"], [])
    assert (
        DBTaskResult.objects.filter(task_path="tests.ops.test_worker.counts").count()
        == 1
    )
    assert ScheduledRun.objects.get(name="counting").slot <= now


def test_readyz_counts_live_workers(client, db, settings):
    settings.TASK_BACKEND = "database"
    WorkerHeartbeat.objects.create(
        worker_id="w1", host="h", pid=1, started=timezone.now(), seen=timezone.now()
    )

    alive = client.get("/readyz").json()["checks"]["workers"]
    WorkerHeartbeat.objects.all().delete()
    none = client.get("/readyz").json()

    assert alive == "1 alive"
    assert (none["checks"]["workers"], none["status"]) == ("none alive", "ready")


def test_worker_health_check_sees_this_hosts_worker(worker_env, transactional_db):
    def health() -> int:
        return subprocess.run(
            [sys.executable, "-m", "django", "worker", "--health"],
            env=worker_env,
            cwd=REPO,
            check=False,
        ).returncode

    before = health()
    with worker_process(worker_env):
        wait_until(lambda: WorkerHeartbeat.objects.exists())
        during = health()

    assert (before, during) == (1, 0)
