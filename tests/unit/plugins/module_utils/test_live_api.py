# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _paginate, _live_api and _rooms_api: which operation each listing calls, with which query."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import iter_job_pages, iter_jobs, show_job, stop_job
from ansible_collections.metastudio.cloud.plugins.module_utils._paginate import iter_pages
from ansible_collections.metastudio.cloud.plugins.module_utils._rooms_api import iter_rooms
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import ApiResponse
from ansible_collections.metastudio.cloud.tests.unit.fakes import J, J2, J3, R, FakeTransport, page, stopped


def fetcher(pages):
    """fetch(offset, limit) over ``pages`` (ApiResponse), recording each (offset, limit)."""
    asked = []

    def fetch(offset, limit):
        asked.append((offset, limit))
        return pages[len(asked) - 1]
    return fetch, asked


@pytest.mark.parametrize('pages, expected_asks', [
    ([page(['a', 'b'], 'r1', 5, 'items'), page(['c', 'd'], 'r2', 5, 'items'), page(['e'], 'r3', 5, 'items')],
     [(0, 2), (2, 2), (4, 2)]),
    # A page that comes back empty ends the listing, whatever the count said.
    ([page(['a', 'b'], 'r1', 9, 'items'), page([], 'r2', 9, 'items')], [(0, 2), (2, 2)]),
    # A count that cannot be read is taken as "no more".
    ([ApiResponse(200, {'count': 'many', 'items': ['a']}, 'r1')], [(0, 2)]),
    ([ApiResponse(200, None, 'r1')], [(0, 2)]),
])
def test_iter_pages(pages, expected_asks):
    fetch, asked = fetcher(pages)
    got = list(iter_pages(fetch, 'items', page_size=2))
    assert asked == expected_asks
    assert got == [((p.body or {}).get('items') or [], p.request_id) for p in pages]


def test_project_listing_filters_states_and_room_name():
    jobs = [dict(job_id=J, state='PROCESSING'), dict(job_id=J2, state='SUCCEED'), dict(job_id=J3, state='WAITING')]
    fake = FakeTransport(pages={None: [page(jobs, 'rid-1')]})
    got = list(iter_job_pages(fake, states=['WAITING', 'PROCESSING'], room_name='Spring', page_size=50,
                              extra_query={'create_since': '2026-11-23T08:00:00Z'}))
    # A service that ignored the state filter would still give only the jobs asked for.
    assert got == [([jobs[0], jobs[2]], 'rid-1')]
    assert fake.calls == [('ListSmartLiveJobs', None, None)]
    assert fake.queries == [dict(state='WAITING,PROCESSING', room_name='Spring', offset=0, limit=50,
                                 create_since='2026-11-23T08:00:00Z')]


def test_room_listing_never_sends_a_room_name():
    fake = FakeTransport(pages={R: [page([dict(job_id=J, state='SUCCEED')], 'rid-1')]})
    assert [job['job_id'] for job in iter_jobs(fake, room_id=R, room_name='ignored')] == [J]
    assert fake.calls == [('ListSmartLive', R, None)]
    assert fake.queries == [dict(offset=0, limit=100)]


def test_rooms_listing_keeps_the_filters_on_every_page():
    rooms = [page([dict(room_id='r%d' % number) for number in range(100)], 'rid-1', count=101, key='smart_live_rooms'),
             page([dict(room_id='r100')], 'rid-2', count=101, key='smart_live_rooms')]
    fake = FakeTransport(rooms=rooms)
    assert len(list(iter_rooms(fake, query={'room_type': 'NORMAL'}))) == 101
    assert fake.queries == [dict(room_type='NORMAL', offset=0, limit=100), dict(room_type='NORMAL', offset=100, limit=100)]


def test_show_and_stop_name_their_operation_and_ids():
    fake = FakeTransport(shows={J: [stopped('r1')]}, stops={J: [stopped('r2')]})
    assert show_job(fake, R, J).request_id == 'r1'
    assert stop_job(fake, R, J).request_id == 'r2'
    assert fake.calls == [('ShowSmartLive', R, J), ('StopSmartLive', R, J)]
