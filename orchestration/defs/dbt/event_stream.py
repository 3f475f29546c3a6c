"""dagster-dbt's event stream without its busy wait.

`DbtEventIterator.fetch_column_metadata()` maps dbt's events through
`dagster._core.utils.imap` (dagster 1.13.27), whose loop polls
`future.done()` without sleeping while dbt has not printed its next event: a
core spins at 100 % for the whole dbt invocation (6.7 million `done()` calls
in one `make run`), on a 2-core machine that dbt and PostgreSQL need. This
imap has the same contract - the results in the order of the input, the
input's own exception raised after the results before it - and blocks on a
queue instead (D76). Installed once, by `install()`; remove it when dagster's
imap stops polling.
"""

from __future__ import annotations

import queue
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Callable, Iterator, TypeVar

import dagster_dbt.core.dbt_event_iterator as dbt_event_iterator

T = TypeVar("T")
P = TypeVar("P")
_END = object()


def imap(executor: ThreadPoolExecutor, iterable: Iterator[T],
         func: Callable[[T], P]) -> Iterator[P]:
    submitted: queue.SimpleQueue = queue.SimpleQueue()

    def submit_each() -> None:
        try:
            for item in iterable:
                submitted.put(executor.submit(func, item))
        finally:
            submitted.put(_END)

    enqueuing: Future = executor.submit(submit_each)
    while (future := submitted.get()) is not _END:
        yield future.result()
    error = enqueuing.exception()
    if error:
        raise error


def install() -> None:
    """Point dagster-dbt's event iterator at this imap (idempotent)."""
    if not hasattr(dbt_event_iterator, "imap"):
        raise RuntimeError("dagster_dbt.core.dbt_event_iterator no longer imports imap: "
                           "check whether orchestration/defs/dbt/event_stream.py is still needed")
    dbt_event_iterator.imap = imap
