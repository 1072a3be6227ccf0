"""`python -m django worker`: run background tasks and the periodic schedule.

With TASK_BACKEND=database it runs the stored tasks (educa/ops/worker.py);
with the embedded default (tasks run where they are enqueued) it only keeps
the schedule, each periodic task then running in this process. Start as
many as needed, on any hosts. `--health` exits 0 when a worker on this host
has been heard from recently (a container health check).
"""

import signal
import socket
import sys
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from educa.ops.models import WorkerHeartbeat
from educa.ops.worker import Housekeeping, Worker, live_worker_ids, new_worker_id


class Command(BaseCommand):
    help = "Run background tasks (TASK_BACKEND=database) and periodic tasks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--queues",
            default="default",
            help="Comma-separated queues to take tasks from ('*': all).",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds between looks for new tasks when there are none.",
        )
        parser.add_argument(
            "--health",
            action="store_true",
            help="Exit 0 if a worker on this host is alive, else 1; run nothing.",
        )

    def handle(self, *args, queues: str, interval: float, health: bool, **options):
        if health:
            sys.exit(0 if self.alive_here() else 1)
        database_tasks = settings.TASK_BACKEND == "database"
        worker_id = new_worker_id()
        housekeeping = Housekeeping(worker_id)
        # Heard from before it takes a task, so none of its tasks looks orphaned.
        housekeeping.tick(database_tasks=database_tasks)
        self.stdout.write(
            f"worker {worker_id}: "
            + ("running tasks and" if database_tasks else "keeping")
            + f" the schedule ({', '.join(settings.TASK_SCHEDULE)})"
        )
        try:
            if database_tasks:
                housekeeping.start(database_tasks=True)
                worker = Worker(
                    queue_names=queues.split(","),
                    interval=interval,
                    batch=False,
                    backend_name="default",
                    startup_delay=False,
                    max_tasks=None,
                    worker_id=worker_id,
                    excluded_queue_names=[],
                )
                worker.configure_signals()
                worker.run()
            else:
                self.keep_schedule(housekeeping)
        finally:
            housekeeping.stop()
            self.stdout.write(f"worker {worker_id}: stopped")

    def keep_schedule(self, housekeeping: Housekeeping) -> None:
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.wait(settings.WORKER_HEARTBEAT_SECONDS):
            housekeeping.tick(database_tasks=False)

    def alive_here(self) -> bool:
        return WorkerHeartbeat.objects.filter(
            host=socket.gethostname(), worker_id__in=live_worker_ids()
        ).exists()
