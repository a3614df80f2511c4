"""The writer thread of a first build: its job and commit run beside the command, with a short
switch interval meanwhile so the job's Python gets the GIL back soon; errors reach `finish`."""

from __future__ import annotations

import sqlite3
import sys
import threading
from collections.abc import Iterator

import pytest

from lemma.index.writer import SWITCH_SECONDS, Writer


@pytest.fixture(autouse=True)
def no_other_writer() -> Iterator[None]:
    """Writers of earlier tests (an index never closed) end first: they hold the interval."""
    for thread in threading.enumerate():
        if thread.name == "lemma-index-writer":
            thread.join(30)
    yield


def _table() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.execute("CREATE TABLE t(x)")
    db.execute("BEGIN")
    return db


def test_the_job_runs_with_a_short_switch_interval_then_the_old_one_is_back() -> None:
    db = _table()
    before = sys.getswitchinterval()
    seen: list[float] = []

    def job() -> None:
        seen.append(sys.getswitchinterval())
        db.execute("INSERT INTO t VALUES (1)")

    Writer(db, job).finish()
    assert seen == [pytest.approx(min(before, SWITCH_SECONDS))]
    assert seen[0] < before  # the default interval (5 ms) is longer
    assert sys.getswitchinterval() == pytest.approx(before)
    assert db.execute("SELECT x FROM t").fetchall() == [(1,)]  # committed


def test_overlapping_writers_keep_it_short_until_the_last_one_ends() -> None:
    before = sys.getswitchinterval()
    first_may_end, second_started = threading.Event(), threading.Event()
    seen: list[float] = []

    def first_job() -> None:
        second_started.wait(10)
        first_may_end.wait(10)

    def second_job() -> None:
        second_started.set()
        first_may_end.set()
        while first.thread.is_alive():  # the first ends while this one still runs
            first.thread.join(0.01)
        seen.append(sys.getswitchinterval())

    first = Writer(_table(), first_job)
    second = Writer(_table(), second_job)
    first.finish()
    second.finish()
    assert seen == [pytest.approx(SWITCH_SECONDS)]
    assert sys.getswitchinterval() == pytest.approx(before)


def test_a_failing_job_rolls_back_restores_the_interval_and_raises_in_finish() -> None:
    db = _table()
    before = sys.getswitchinterval()

    def job() -> None:
        db.execute("INSERT INTO t VALUES (1)")
        raise ValueError("no room")

    writer = Writer(db, job)
    with pytest.raises(ValueError, match="no room"):
        writer.finish()
    assert sys.getswitchinterval() == pytest.approx(before)
    assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
