# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability suite, and the figures printed at its end (one line per category).

Figures: cases are test items (each parametrized case, each property); passed excludes expected failures
(xfail, the known bugs), counted apart; calls and retries come from the emulator call logs of each case
(see harness.count_retries for what counts as a retry); seconds add up the time of the category's tests,
over all pytest-xdist workers.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402  pylint: disable=wrong-import-position

CATEGORIES = (
    ("faults", ("test_faults.py", "test_bulk_faults.py", "test_start_faults.py")),
    ("concurrency", ("test_concurrency.py", "test_start_concurrency.py")),
    ("bad input", ("test_bad_input.py", "test_start_bad_input.py")),
    ("secrets", ("test_secrets.py", "test_start_secrets.py")),
    ("tls", ("test_tls.py",)),
)


def category_of(nodeid):
    filename = nodeid.split("::", 1)[0].rsplit("/", 1)[-1]
    for name, files in CATEGORIES:
        if filename in files:
            return name
    return None


def pytest_configure(config):
    config.pluginmanager.register(Figures(), "reliability-figures")


@pytest.fixture(autouse=True)
def reliability_case(request):
    """Tell the call book which test the logged calls belong to."""
    harness.BOOK.begin(request.node.nodeid)
    yield


@pytest.fixture(scope="session", name="collections")
def collections_fixture(tmp_path_factory):
    return harness.collections_path(str(tmp_path_factory.mktemp("collections")))


@pytest.fixture(name="lab")
def lab_fixture():
    """A fresh emulator for one test: late answers of an earlier test can never reach it."""
    lab = harness.Lab()
    yield lab
    lab.close()


@pytest.fixture(scope="module", name="shared_lab")
def shared_lab_fixture():
    """One emulator for the examples of a module's property tests; each example prepares it anew."""
    lab = harness.Lab()
    yield lab
    lab.close()


@pytest.fixture(name="workdir")
def workdir_fixture(tmp_path):
    return str(tmp_path)


class Figures(object):
    """Adds up, per category, the outcomes and seconds of the tests and the calls of their emulators."""

    def __init__(self):
        self.outcomes = {}
        self.seconds = {}
        self.books = [harness.BOOK.entries]

    def count(self, category, outcome):
        counts = self.outcomes.setdefault(category, {})
        counts[outcome] = counts.get(outcome, 0) + 1

    def pytest_runtest_logreport(self, report):
        category = category_of(report.nodeid)
        if category is None:
            return
        self.seconds[category] = self.seconds.get(category, 0.0) + report.duration
        if report.when == "call":
            if hasattr(report, "wasxfail"):
                self.count(category, "xfailed" if report.skipped else "failed")
            else:
                self.count(category, report.outcome)
        elif report.failed:
            self.count(category, "errors")
        elif report.when == "setup" and report.skipped:
            self.count(category, "skipped")

    def pytest_sessionfinish(self, session):
        workeroutput = getattr(session.config, "workeroutput", None)
        if workeroutput is not None:
            workeroutput["reliability_book"] = json.dumps(harness.BOOK.entries)

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node, error):
        output = getattr(node, "workeroutput", None) or {}
        if "reliability_book" in output:
            self.books.append(json.loads(output["reliability_book"]))

    def lines(self):
        totals = {}
        for book in self.books:
            for nodeid, entry in book.items():
                total = totals.setdefault(category_of(nodeid), dict(calls=0, retries=0))
                total["calls"] += entry["calls"]
                total["retries"] += entry["retries"]
        for category, dummy in CATEGORIES:
            counts = self.outcomes.get(category)
            if not counts:
                continue
            total = totals.get(category, dict(calls=0, retries=0))
            line = "reliability %s: cases run %d, passed %d, calls made %d, retries %d, seconds %.1f" % (
                category, sum(value for key, value in counts.items() if key != "skipped"), counts.get("passed", 0),
                total["calls"], total["retries"], self.seconds.get(category, 0.0))
            others = ["%s %d" % (key, value) for key, value in sorted(counts.items()) if key != "passed"]
            if others:
                line += " (%s)" % ", ".join(others)
            yield line

    def pytest_terminal_summary(self, terminalreporter):
        for line in self.lines():
            terminalreporter.write_line(line)
