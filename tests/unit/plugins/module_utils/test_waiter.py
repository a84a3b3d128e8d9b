# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _waiter.poll_until, over a fake clock."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible_collections.metastudio.cloud.plugins.module_utils._waiter import poll_until
from ansible_collections.metastudio.cloud.tests.unit.fakes import FakeTime


class Item(object):
    """Something that settles after ``reads`` refreshes; counts its refreshes."""

    def __init__(self, reads):
        self.remaining = reads
        self.refreshed = 0

    def refresh(self):
        self.refreshed += 1
        self.remaining -= 1
        return self

    @property
    def settled(self):
        return self.remaining <= 0


def poll(items, timer, deadline, interval, **kwargs):
    return poll_until(items, lambda item: item.refresh(), lambda item: item.settled, deadline, interval,
                      clock=timer.clock, sleep=timer.sleep, **kwargs)


def test_returns_at_once_when_everything_has_settled():
    timer = FakeTime()
    items = [Item(0), Item(-1)]
    assert poll(items, timer, timer.now + 60, 3) == []
    assert [item.refreshed for item in items] == [0, 0]
    assert timer.sleeps == []


def test_polls_until_settled():
    timer = FakeTime()
    item = Item(3)
    assert poll([item], timer, timer.now + 60, 3) == []
    assert item.refreshed == 3
    assert timer.sleeps == [3, 3, 3]


def test_gives_back_what_never_settled_by_the_deadline():
    timer = FakeTime()
    slow, quick = Item(100), Item(2)
    deadline = timer.now + 10
    pending = poll([slow, quick], timer, deadline, 3)
    assert pending == [slow]
    assert quick.refreshed == 2
    assert timer.sleeps == [3, 3, 3, 1]
    assert timer.now == deadline
    assert slow.refreshed == 4


def test_never_sleeps_past_the_deadline_even_when_reads_take_time():
    timer = FakeTime()

    class Slow(Item):
        def refresh(self):
            timer.now += 1.7
            return Item.refresh(self)

    deadline = timer.now + 20
    assert len(poll([Slow(100)], timer, deadline, 4)) == 1
    assert timer.sleeps
    for began, seconds in zip(timer.started, timer.sleeps):
        assert began + seconds <= deadline + 1e-9
        assert seconds <= 4


def test_a_past_deadline_does_not_sleep():
    timer = FakeTime()
    items = [Item(5)]
    assert poll(items, timer, timer.now - 1, 3) == items
    assert timer.sleeps == []
    assert items[0].refreshed == 0


def test_uses_the_given_map_function():
    mapped = []

    def recording_map(function, items):
        items = list(items)
        mapped.append(len(items))
        return [function(item) for item in items]

    timer = FakeTime()
    assert poll([Item(1), Item(2)], timer, timer.now + 60, 1, map_fn=recording_map) == []
    assert mapped == [2, 1]
