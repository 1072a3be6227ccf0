from django.db import models


class CacheGeneration(models.Model):
    """The version of the data behind one family of cache entries.

    Kept in the database, bumped in the transaction of each write, so it
    commits or rolls back with the write and no outage of the cache can lose
    it (educa/ops/generations.py).
    """

    name = models.CharField(max_length=50, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} {self.value}"


class WorkerHeartbeat(models.Model):
    """A task worker process, as last heard from (educa/ops/worker.py).

    A worker writes its row every WORKER_HEARTBEAT_SECONDS and deletes it
    when it stops cleanly; a row older than WORKER_DEAD_AFTER_SECONDS is a
    worker that died, whose running task is given to another.
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started = models.DateTimeField()
    seen = models.DateTimeField()

    class Meta:
        ordering = ["-seen"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host}"


class ScheduledRun(models.Model):
    """The latest slot of a periodic task that a worker enqueued: the one
    shared record that makes each slot run once however many workers look
    (educa/ops/schedule.py)."""

    name = models.CharField(max_length=100, primary_key=True)
    slot = models.DateTimeField()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} at {self.slot:%Y-%m-%d %H:%M}"
