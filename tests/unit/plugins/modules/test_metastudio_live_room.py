# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the room modules over mocked HTTP: refusals before any request, and the writes each run
sends (the integration tests run them against the emulator)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
from urllib.parse import parse_qsl, urlsplit

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._operations import OPERATIONS
from ansible_collections.metastudio.cloud.plugins.modules.metastudio_live_room import LiveRoomModule
from ansible_collections.metastudio.cloud.plugins.modules.metastudio_live_room_info import LiveRoomInfoModule
from ansible_collections.metastudio.cloud.tests.unit.fakes import MSS_INVALID, R, url_pattern
from ansible_collections.metastudio.cloud.tests.unit.plugins.modules.harness import CONNECTION, run_module

STREAM_KEY = 'stream-key-never-shown'
ROOM_OPERATIONS = ('ListSmartLiveRooms', 'ShowSmartLiveRoom', 'CreateSmartLiveRoom', 'UpdateSmartLiveRoom',
                   'DeleteSmartLiveRoom', 'ListSmartLive')


def run(module_class, args, **kwargs):
    return run_module(module_class, dict(CONNECTION, **args), **kwargs)


class RoomApi(object):
    """Rooms behind the room operations. ``lose`` maps an operation to when its answer is replaced by a 500:
    ``after`` the call was carried out, or ``before``. Every call is recorded as (operation, body)."""

    def __init__(self, mock_http, rooms=(), lose=None):
        self.rooms = dict((room['room_id'], dict(room)) for room in rooms)
        self.lose = dict(lose or {})
        self.calls = []
        self.created = 0
        for name in ROOM_OPERATIONS:
            operation = OPERATIONS[name]
            mock_http.add_callback(operation.method, url_pattern(operation), callback=self._route(name))

    def names(self):
        return [name for name, body in self.calls]

    def _route(self, name):
        pattern = url_pattern(OPERATIONS[name])
        handler = getattr(self, name)

        def callback(request):
            ids = [value for value in pattern.match(request.url).groups()[:-1] if value]
            body = json.loads(request.body) if request.body else None
            self.calls.append((name, body))
            if self.lose.get(name) != 'before':
                status, answer = handler(ids[0] if ids else None, body, dict(parse_qsl(urlsplit(request.url).query)))
            if name in self.lose:
                status, answer = 500, {'error_code': 'MSS.00000004', 'error_msg': 'Internal Error'}
            return status, {'X-Request-Id': 'rid-%s-%d' % (name, len(self.calls))}, json.dumps(answer) if answer else ''
        return callback

    def ListSmartLiveRooms(self, room_id, body, query):
        rooms = [room for room in self.rooms.values() if query['room_name'].lower() in room['room_name'].lower()]
        return 200, {'count': len(rooms), 'smart_live_rooms': rooms}

    def ShowSmartLiveRoom(self, room_id, body, query):
        return (200, self.rooms[room_id]) if room_id in self.rooms else (400, MSS_INVALID)

    def CreateSmartLiveRoom(self, room_id, body, query):
        self.created += 1
        room_id = '%032d' % self.created
        self.rooms[room_id] = dict(body, room_id=room_id, create_time='2026-11-30T18:00:00Z')
        return 200, {'room_id': room_id}

    def UpdateSmartLiveRoom(self, room_id, body, query):
        self.rooms[room_id] = dict(body, room_id=room_id, create_time='2026-11-30T18:00:00Z')
        return 200, self.rooms[room_id]

    def DeleteSmartLiveRoom(self, room_id, body, query):
        return (200, None) if self.rooms.pop(room_id, None) else (400, MSS_INVALID)

    def ListSmartLive(self, room_id, body, query):
        return 200, {'count': 0, 'smart_live_jobs': []}


@pytest.mark.parametrize('args, message', [
    (dict(), 'name the room with room_id or room_name'),
    (dict(room_name='A', definition=dict(room_descripton='x', stream_keys=[STREAM_KEY])), 'room_descripton'),
    (dict(room_name='A', definition=dict(stream_keys=['********'])), 'holds a mask'),
    (dict(room_name='A', definition=dict(room_type='DAILY', stream_keys=[STREAM_KEY])), 'room_type must be one of'),
    (dict(room_name='A', definition=dict(stream_keys=STREAM_KEY)), 'stream_keys must be a list'),
    (dict(room_id='../x'), 'room_id'),
    (dict(room_name='A', wait_sleep=0.0), 'wait_sleep'),
    (dict(room_name='A', wait_timeout=-1), 'wait_timeout'),
])
def test_room_refused_before_any_request_with_its_secrets_masked(http, args, message):
    masked = set()
    result = run(LiveRoomModule, args, masked=masked)
    assert result['failed'] is True and message in result['msg']
    assert len(http.calls) == 0 and result['request_ids'] == []
    if STREAM_KEY in json.dumps(args):
        assert STREAM_KEY in masked


@pytest.mark.parametrize('args, message', [
    (dict(room_id=R, room_type='NORMAL'), 'cannot be combined with room_type'),
    (dict(exact=True), 'exact=true needs room_name'),
    (dict(start_time='yesterday'), 'RFC 3339'),
    (dict(live_state=['WAITING,NULL']), 'is not a state'),
])
def test_room_info_refused_before_any_request(http, args, message):
    result = run(LiveRoomInfoModule, args)
    assert result['failed'] is True and message in result['msg']
    assert len(http.calls) == 0


def test_create_then_nothing(http):
    api = RoomApi(http)
    args = dict(room_name='Spring sale', definition=dict(stream_keys=[STREAM_KEY], output_urls=['rtmp://x']))
    first = run(LiveRoomModule, args, diff=True)
    second = run(LiveRoomModule, args)
    assert first['changed'] is True and first['room_id'] == '%032d' % 1
    assert first['diff']['after']['stream_keys'] == ['********'] and first['diff']['before'] == {}
    assert second['changed'] is False and second['room_id'] == first['room_id']
    assert api.names().count('CreateSmartLiveRoom') == 1
    assert 'UpdateSmartLiveRoom' not in api.names()
    assert STREAM_KEY not in json.dumps([first, second])


def test_a_lost_create_answer_is_adopted_not_resent(http):
    api = RoomApi(http, lose=dict(CreateSmartLiveRoom='after'))
    result = run(LiveRoomModule, dict(room_name='Spring sale'))
    assert result['changed'] is True and result['room_id'] == '%032d' % 1
    assert api.names() == ['ListSmartLiveRooms', 'CreateSmartLiveRoom', 'ListSmartLiveRooms', 'ShowSmartLiveRoom']
    assert any('adopted' in warning for warning in result['warnings'])
    assert result['request_id'] == 'rid-CreateSmartLiveRoom-2'


def test_a_lost_create_answer_that_made_nothing_fails_without_resending(http):
    api = RoomApi(http, lose=dict(CreateSmartLiveRoom='before'))
    result = run(LiveRoomModule, dict(room_name='Spring sale'))
    assert result['failed'] is True and result['status_code'] == 500
    assert 'most likely not created' in result['msg'] and 'run the task again' in result['msg']
    assert api.names() == ['ListSmartLiveRooms', 'CreateSmartLiveRoom', 'ListSmartLiveRooms']


def test_a_lost_create_answer_among_rooms_of_the_same_name_takes_only_its_own(http):
    other = dict(room_id=R, room_name='Spring sale', priv_data='someone else')

    class ConcurrentApi(RoomApi):
        def CreateSmartLiveRoom(self, room_id, body, query):
            # Someone else makes a room of the same name at the same moment.
            self.rooms[R] = other
            return RoomApi.CreateSmartLiveRoom(self, room_id, body, query)

    api = ConcurrentApi(http, lose=dict(CreateSmartLiveRoom='after'))
    result = run(LiveRoomModule, dict(room_name='Spring sale'))
    assert result['changed'] is True and result['room_id'] == '%032d' % 1
    assert api.rooms['%032d' % 1]['priv_data'].startswith('metastudio.cloud:create:')
    assert api.names().count('CreateSmartLiveRoom') == 1


def test_update_only_what_differs_and_not_in_check_mode(http):
    room = dict(room_id=R, room_name='Spring sale', room_description='old', stream_keys=[STREAM_KEY],
                output_urls=['rtmp://x'], script_version='1', create_time='2026-11-01T00:00:00Z')
    api = RoomApi(http, rooms=[room])
    args = dict(room_id=R, definition=dict(room_description='new'))
    predicted = run(LiveRoomModule, args, check_mode=True, diff=True)
    assert 'UpdateSmartLiveRoom' not in api.names()
    done = run(LiveRoomModule, args)
    assert predicted['changed'] is done['changed'] is True
    assert predicted['diff'] == {'before': {'room_description': 'old'}, 'after': {'room_description': 'new'}}
    put = [body for name, body in api.calls if name == 'UpdateSmartLiveRoom']
    assert put == [dict(room_name='Spring sale', room_description='new', stream_keys=[STREAM_KEY],
                        output_urls=['rtmp://x'])]
    assert done['room']['stream_keys'] == ['********'] and STREAM_KEY not in json.dumps([predicted, done])


def test_absent_deletes_once(http):
    api = RoomApi(http, rooms=[dict(room_id=R, room_name='Spring sale')])
    first = run(LiveRoomModule, dict(room_name='Spring sale', state='absent'))
    second = run(LiveRoomModule, dict(room_id=R, state='absent'))
    assert (first['changed'], second['changed']) == (True, False)
    assert api.names().count('DeleteSmartLiveRoom') == 1
