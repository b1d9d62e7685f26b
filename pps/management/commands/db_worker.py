"""django-tasks-db's worker, which also records that it is alive (OPS-2, OPS-4).

The same command and options as the package's ``db_worker`` (this app comes
first in INSTALLED_APPS, so this one runs). A daemon thread writes the worker's
``WorkerHeartbeat`` every ``HEARTBEAT_SECONDS``, also while a long task (a
purge) runs; ``/healthz`` reports the worker stale when no heartbeat is recent.
A killed worker simply stops writing.
"""

import logging
import threading

from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from pps.models import WorkerHeartbeat

logger = logging.getLogger("pps.worker")

HEARTBEAT_SECONDS = 30


def heartbeat_write(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id, defaults={"seen_at": timezone.now()}
    )


def _beat(worker_id: str, stop: threading.Event) -> None:
    while True:
        try:
            close_old_connections()
            heartbeat_write(worker_id)
        except Exception as error:  # noqa: BLE001 - a missed beat must not stop the worker
            logger.warning("Worker heartbeat not written (%s)", type(error).__name__)
        if stop.wait(HEARTBEAT_SECONDS):
            break
    connections.close_all()


class Command(DatabaseWorkerCommand):
    help = "Run the background worker (django-tasks-db), recording a heartbeat"

    def handle(self, *args, **options):
        stop = threading.Event()
        beat = threading.Thread(
            target=_beat, args=(options["worker_id"], stop), name="heartbeat", daemon=True
        )
        beat.start()
        try:
            return super().handle(*args, **options)
        finally:
            stop.set()
