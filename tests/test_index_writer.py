"""The writer thread of a first build: its job and commit run beside the command, with a short
switch interval meanwhile so the job's Python gets the GIL back soon; errors reach `finish`."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from lemma.index.writer import SWITCH_SECONDS, Writer


def test_the_job_runs_with_a_short_switch_interval_then_the_old_one_is_back() -> None:
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.execute("CREATE TABLE t(x)")
    db.execute("BEGIN")
    before = sys.getswitchinterval()
    seen: list[float] = []

    def job() -> None:
        seen.append(sys.getswitchinterval())
        db.execute("INSERT INTO t VALUES (1)")

    writer = Writer(db, job)
    writer.finish()
    assert seen == [pytest.approx(min(before, SWITCH_SECONDS))]
    assert seen[0] < before  # the default interval (5 ms) is longer
    assert sys.getswitchinterval() == pytest.approx(before)
    assert db.execute("SELECT x FROM t").fetchall() == [(1,)]  # committed


def test_a_failing_job_rolls_back_restores_the_interval_and_raises_in_finish() -> None:
    db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    db.execute("CREATE TABLE t(x)")
    db.execute("BEGIN")
    before = sys.getswitchinterval()

    def job() -> None:
        db.execute("INSERT INTO t VALUES (1)")
        raise ValueError("no room")

    writer = Writer(db, job)
    with pytest.raises(ValueError, match="no room"):
        writer.finish()
    assert sys.getswitchinterval() == pytest.approx(before)
    assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
