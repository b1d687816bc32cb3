"""The Celery application: broker, delivery guarantees, the run task's name and queue.

    REPLAYWRIGHT_BROKER   broker URL (default redis://127.0.0.1:6379/0; amqp://… works too)
    REPLAYWRIGHT_REDELIVER_AFTER
                          Redis broker only: seconds after which a run taken by a worker
                          that vanished (killed with its whole host) is delivered again
                          (default 3600; keep it above your longest run)

Delivery: a message is acknowledged only after its run is recorded (`acks_late`), a worker
process that dies mid-run hands its message back at once (`reject_on_worker_lost`), and
each worker process takes one message at a time (prefetch 1), so a killed worker loses no
run and holds none back. The worker side is `replaywright.runs.task`; `celery -A
replaywright.runs.app worker` works as well as `replaywright worker`.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from celery import Celery

if TYPE_CHECKING:
    from replaywright.runs.records import RunRequest

BROKER_ENV = "REPLAYWRIGHT_BROKER"
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"
QUEUE = "replaywright"
TASK = "replaywright.run"


def broker_url() -> str:
    return os.environ.get(BROKER_ENV) or DEFAULT_BROKER


def make_app(broker: str | None = None) -> Celery:
    redeliver = float(os.environ.get("REPLAYWRIGHT_REDELIVER_AFTER") or 3600)
    celery = Celery("replaywright", broker=broker or broker_url(),
                    include=["replaywright.runs.task"])
    celery.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        # the Redis transport: re-deliver what a vanished worker had taken, checking every
        # tenth of that time (ignored by RabbitMQ, which re-delivers when a consumer drops)
        broker_transport_options={
            "visibility_timeout": redeliver,
            "unacked_restore_interval": max(1.0, min(60.0, redeliver / 10)),
            "unacked_restore_throttle": 1,
        },
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0,
                                   "interval_step": 0.5, "interval_max": 2},
        beat_scheduler="replaywright.runs.beat:ScheduleTable",
        beat_max_loop_interval=float(os.environ.get("REPLAYWRIGHT_BEAT_INTERVAL") or 5),
        worker_hijack_root_logger=False,
    )
    return celery


app = make_app()


def send_run(run_id: str, org: str, request: RunRequest, queue: str | None = None) -> None:
    """Hand a recorded run to the workers of `queue`."""
    app.send_task(TASK, args=[{"id": run_id, "org": org, "request": request.model_dump()}],
                  queue=queue or QUEUE)
