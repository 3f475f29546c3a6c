"""The imap that replaces dagster's polling one keeps its contract (D76)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import dagster_dbt.core.dbt_event_iterator as dbt_event_iterator
import pytest

from orchestration.defs.dbt import event_stream


def slow_items(n: int, fail_after: int | None = None):
    for i in range(n):
        if fail_after is not None and i == fail_after:
            raise ValueError(f"the input broke at {i}")
        time.sleep(0.01)  # dbt printing its next event
        yield i


def square_slowly(i: int) -> int:
    time.sleep(0.03 if i % 2 == 0 else 0.0)  # later items finish first
    return i * i


def test_results_come_in_input_order_like_dagsters_imap():
    from dagster._core.utils import imap as dagster_imap

    with ThreadPoolExecutor(max_workers=4) as executor:
        ours = list(event_stream.imap(executor, slow_items(12), square_slowly))
        theirs = list(dagster_imap(executor, slow_items(12), square_slowly))
    assert ours == theirs == [i * i for i in range(12)]


def test_the_inputs_error_comes_after_the_results_before_it():
    seen = []
    with ThreadPoolExecutor(max_workers=4) as executor, pytest.raises(ValueError,
                                                                        match="broke at 3"):
        for result in event_stream.imap(executor, slow_items(10, fail_after=3), square_slowly):
            seen.append(result)
    assert seen == [0, 1, 4]


def test_an_error_of_the_function_reaches_the_caller():
    def broken(i):
        raise RuntimeError(f"metadata of {i} failed")

    with ThreadPoolExecutor(max_workers=4) as executor, pytest.raises(RuntimeError,
                                                                        match="of 0 failed"):
        list(event_stream.imap(executor, slow_items(3), broken))


def consumer_cpu_while_the_input_waits(imap_under_test, wait_seconds=0.5) -> float:
    """CPU seconds the consuming thread uses while the input waits for its next item."""
    release = threading.Event()

    def waiting_input():
        yield 1
        release.wait(5)
        yield 2

    measured = {}

    def consume(results):
        started = time.thread_time()
        measured["rest"] = list(results)
        measured["cpu"] = time.thread_time() - started

    with ThreadPoolExecutor(max_workers=4) as executor:
        results = imap_under_test(executor, waiting_input(), lambda i: i)
        assert next(results) == 1
        consumer = threading.Thread(target=consume, args=(results,))
        consumer.start()
        time.sleep(wait_seconds)
        release.set()
        consumer.join(5)
    assert measured["rest"] == [2]
    return measured["cpu"]


def test_waiting_for_the_next_input_blocks_instead_of_polling():
    """dagster's imap polls through the whole wait (0.16 CPU s of this 0.5 s wait,
    measured on this 2-core machine while another test run was busy); this one
    sleeps in a queue's get (0.0001 s)."""
    assert consumer_cpu_while_the_input_waits(event_stream.imap) < 0.05


def test_dagster_dbt_uses_it_once_the_assets_are_imported():
    import orchestration.defs.dbt.assets  # noqa: F401  (installs it)

    assert dbt_event_iterator.imap is event_stream.imap
