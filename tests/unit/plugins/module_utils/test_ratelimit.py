# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _ratelimit: backoff, Retry-After and the per-API token buckets."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.metastudio.cloud.plugins.module_utils._ratelimit import (
    RateLimiter,
    backoff_delay,
    retry_after_seconds,
)
from ansible_collections.metastudio.cloud.tests.unit.fakes import FakeTime

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


def backoff_bounds(attempt):
    ceiling = min(30.0, 0.5 * 2 ** attempt)
    return ceiling / 2, ceiling


# -- backoff_delay and retry_after_seconds ----------------------------------------------------------

@pytest.mark.parametrize('attempt', [0, 1, 2, 5, 6, 7, 20, 99])
def test_backoff_delay_bounds(attempt):
    low, high = backoff_bounds(attempt)
    assert backoff_delay(attempt, rand=lambda: 0.0) == low
    assert backoff_delay(attempt, rand=lambda: 1.0) == high
    assert low <= backoff_delay(attempt) <= high


def test_backoff_delay_is_capped():
    assert backoff_delay(10, rand=lambda: 1.0) == 30.0
    assert backoff_delay(10, rand=lambda: 0.0) == 15.0
    assert backoff_delay(3, base=1.0, cap=5.0, rand=lambda: 1.0) == 5.0


@pytest.mark.parametrize('retry_after, expected', [(7.0, 7.0), (0.0, 0.0), (120.0, 30.0)])
def test_backoff_delay_prefers_retry_after(retry_after, expected):
    assert backoff_delay(4, retry_after=retry_after, rand=lambda: 0.5) == expected


@PROPERTY_SETTINGS
@given(attempt=st.integers(min_value=0, max_value=100), draw=st.floats(min_value=0.0, max_value=1.0, exclude_max=True))
def test_backoff_delay_equal_jitter_property(attempt, draw):
    delay = backoff_delay(attempt, rand=lambda: draw)
    ceiling = min(30.0, 0.5 * 2 ** attempt)
    assert ceiling / 2 <= delay <= ceiling <= 30.0


@pytest.mark.parametrize('value, expected', [
    (None, None), ('', None), ('soon', None), ('5', 5.0), ('0', 0.0), ('-3', 0.0), ('1.5', 1.5),
    ('Wed, 21 Oct 2015 07:28:00 GMT', 0.0),
])
def test_retry_after_seconds(value, expected):
    assert retry_after_seconds(value) == expected


def test_retry_after_seconds_future_date():
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)
    assert 55.0 <= retry_after_seconds(when) <= 60.5


# -- RateLimiter ------------------------------------------------------------------------------------

def test_rate_limiter_without_rate_never_waits():
    timer = FakeTime()
    limiter = RateLimiter(None, clock=timer.clock, sleep=timer.sleep)
    for dummy in range(1000):
        assert limiter.acquire('ShowSmartLive') == 0.0
    assert timer.sleeps == []


def test_rate_limiter_paces_calls():
    timer = FakeTime()
    limiter = RateLimiter(10, clock=timer.clock, sleep=timer.sleep)
    start = timer.now
    for dummy in range(100):
        limiter.acquire('ShowSmartLive')
    elapsed = timer.now - start
    # 100 calls at 10 per second, with at most half a second of burst.
    assert 9.0 <= elapsed <= 10.0
    assert max(timer.sleeps) <= 0.1 + 1e-9


def test_rate_limiter_apis_are_paced_apart():
    timer = FakeTime()
    limiter = RateLimiter(1, clock=timer.clock, sleep=timer.sleep)
    for dummy in range(3):
        limiter.acquire('ShowSmartLive')
    slept = sum(timer.sleeps)
    limiter.acquire('StopSmartLive')
    assert sum(timer.sleeps) == slept


def test_rate_limiter_throttled_pauses_and_halves_the_rate():
    timer = FakeTime()
    limiter = RateLimiter(8, clock=timer.clock, sleep=timer.sleep)
    limiter.acquire('op')
    limiter.throttled('op', 5.0)
    assert limiter.acquire('op') == 5.0
    # Halved to 4 per second: calls now come at least 0.25 s apart once the burst is spent.
    start = timer.now
    for dummy in range(20):
        limiter.acquire('op')
    assert timer.now - start >= (20 - 5) / 4.0
    # Successes raise the rate back step by step, never above the maximum.
    for dummy in range(10):
        limiter.succeeded('op')
    before = timer.now
    for dummy in range(80):
        limiter.acquire('op')
    # Back at 8 per second (4 per second would take 20 s); the first call may wait for the last slow slot.
    assert timer.now - before <= 80 / 8.0 + 0.25 + 1e-6


def test_rate_limiter_without_rate_still_honours_a_pause():
    timer = FakeTime()
    limiter = RateLimiter(None, clock=timer.clock, sleep=timer.sleep)
    limiter.throttled('op', 3.0)
    assert limiter.acquire('op') == 3.0
    assert limiter.acquire('other') == 0.0
