# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of rooms as desired state: the body, the comparison, the PUT body, redaction and the lost-create
lookup (no HTTP: the listing comes from a scripted transport)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils import _rooms as rooms
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import ApiResponse

ROOM_ID = '26f065244f754b3aa853b649a21aaf66'
MASK = '******'


def shown_room(**fields):
    """A room as ShowSmartLiveRoom gives it: the body plus what the service sets and fills in."""
    room = {
        'room_id': ROOM_ID, 'project_id': 'p' * 32, 'room_name': 'Spring sale', 'room_description': '',
        'room_type': 'NORMAL', 'view_mode': 'VERTICAL', 'create_time': '2026-11-01T08:00:00Z',
        'update_time': '2026-11-01T08:00:00Z', 'script_version': '1761984000000', 'room_state': 'ENABLE',
        'confirm_state': 'CONFIRMED', 'cover_url': None, 'thumbnail': None, 'error_info': None, 'model_infos': [],
        'last_job_status': None, 'scene_scripts': [], 'interaction_rules': [], 'output_urls': [], 'stream_keys': [],
        'backup_model_asset_ids': [], 'priv_data': None, 'live_event_callback_config': None,
    }
    room.update(fields)
    return room


SCRIPT = {'script_name': 'Welcome', 'shoot_scripts': [{'sequence_no': 1, 'text_config': {'text': 'Hello'}}]}


class TestDesiredBody(object):
    def test_read_only_fields_of_an_exported_room_are_dropped(self):
        body = rooms.desired_body(shown_room(room_description='x'))
        for key in rooms.READ_ONLY_FIELDS:
            assert key not in body
        assert body['room_description'] == 'x' and body['room_name'] == 'Spring sale'

    def test_room_name_option_wins_over_the_definition(self):
        assert rooms.desired_body({'room_name': 'A', 'room_type': 'TEMP'}, 'B') == {'room_name': 'B', 'room_type': 'TEMP'}
        assert rooms.desired_body(None, 'B') == {'room_name': 'B'}
        assert rooms.desired_body(None) == {}

    def test_unknown_field_is_refused_naming_it(self):
        with pytest.raises(InvalidInputError, match='room_descripton'):
            rooms.desired_body({'room_descripton': 'typo'})

    @pytest.mark.parametrize('definition, text', [
        ({'room_description': 5}, 'room_description must be a string'),
        ({'scene_scripts': {}}, 'scene_scripts must be a list'),
        ({'video_config': []}, 'video_config must be a dict'),
        ({'stream_keys': [1]}, 'stream_keys must be a list of strings'),
        ({'room_name': None}, 'room_name cannot be removed'),
        ({'room_name': ''}, '1 to 256 characters'),
        ({'room_name': 'x' * 257}, '1 to 256 characters'),
        ({'room_type': 'DAILY'}, 'room_type must be one of'),
    ])
    def test_wrong_types_are_refused(self, definition, text):
        with pytest.raises(InvalidInputError, match=text):
            rooms.desired_body(definition)

    @pytest.mark.parametrize('definition', [
        {'stream_keys': ['********']},
        {'output_urls': ['****']},
        {'priv_data': '********'},
        {'live_event_callback_config': {'key': '********'}},
        {'live_event_callback_config': {'live_event_type_callback_url': '********'}},
    ])
    def test_a_mask_where_a_secret_belongs_is_refused(self, definition):
        with pytest.raises(InvalidInputError, match='holds a mask'):
            rooms.desired_body(definition, 'Spring sale')

    def test_a_field_to_remove_is_kept_as_none(self):
        assert rooms.desired_body({'priv_data': None}, 'A') == {'priv_data': None, 'room_name': 'A'}


class TestDifferences(object):
    def test_only_given_fields_and_keys_are_compared(self):
        current = shown_room(video_config={'width': 1080, 'height': 1920, 'bitrate': 4000, 'codec': 'H264'})
        assert rooms.differences({'room_name': 'Spring sale', 'video_config': {'width': 1080}}, current) == []
        assert rooms.differences({'video_config': {'width': 1920}}, current) == ['video_config']

    def test_server_set_ids_in_lists_are_not_compared(self):
        current = shown_room(scene_scripts=[dict(SCRIPT, script_id='s-1')],
                             interaction_rules=[{'rule_index': '1', 'rule_name': 'r'}])
        exported = {'scene_scripts': [dict(SCRIPT, script_id='s-other')], 'interaction_rules': [{'rule_name': 'r'}]}
        assert rooms.differences(exported, current) == []

    def test_list_order_counts_where_the_api_cares(self):
        other = dict(SCRIPT, script_name='Other')
        current = shown_room(scene_scripts=[SCRIPT, other], backup_model_asset_ids=['a', 'b'])
        assert rooms.differences({'scene_scripts': [other, SCRIPT]}, current) == ['scene_scripts']
        assert rooms.differences({'scene_scripts': [SCRIPT]}, current) == ['scene_scripts']
        assert rooms.differences({'backup_model_asset_ids': ['b', 'a']}, current) == ['backup_model_asset_ids']

    def test_list_order_is_ignored_where_the_api_does_not_care(self):
        current = shown_room(live_event_callback_config={'callback_event_type': ['SHOOT_SCRIPT_SWITCH', 'REPLY_COMMAND_FINISH']},
                             rtc_callback_config={'rtc_callback_event_type': ['LIVE_PROGRESS', 'REPLY_COMMAND_FINISH']},
                             shared_config={'allowed_project_ids': ['a', 'b', 'a']})
        desired = {'live_event_callback_config': {'callback_event_type': ['REPLY_COMMAND_FINISH', 'SHOOT_SCRIPT_SWITCH']},
                   'rtc_callback_config': {'rtc_callback_event_type': ['REPLY_COMMAND_FINISH', 'LIVE_PROGRESS']},
                   'shared_config': {'allowed_project_ids': ['b', 'a']}}
        assert rooms.differences(desired, current) == []
        desired['shared_config']['allowed_project_ids'] = ['b']
        assert rooms.differences(desired, current) == ['shared_config']

    def test_none_asks_for_an_absent_or_empty_value(self):
        current = shown_room(priv_data='x', shared_config=None)
        assert rooms.differences({'shared_config': None, 'stream_keys': None, 'room_description': None}, current) == []
        assert rooms.differences({'priv_data': None}, current) == ['priv_data']

    def test_empty_values_against_absent_ones(self):
        current = shown_room(play_policy=None)
        assert rooms.differences({'play_policy': {}, 'output_urls': []}, current) == []
        assert rooms.differences({'play_policy': {'repeat_count': 0}}, current) == ['play_policy']

    def test_booleans_are_not_numbers(self):
        current = shown_room(play_policy={'auto_play_script': True, 'repeat_count': 1})
        assert rooms.differences({'play_policy': {'repeat_count': True}}, current) == ['play_policy']
        assert rooms.differences({'play_policy': {'auto_play_script': 1}}, current) == ['play_policy']
        assert rooms.differences({'play_policy': {'auto_play_script': True, 'repeat_count': 1.0}}, current) == []

    def test_platform_details_match_the_body_fields(self):
        current = shown_room(relation_live_platform_info={'platform_id': 'p1', 'platform': 'meituan', 'account': 'a',
                                                          'live_id': 'l1'})
        assert rooms.differences({'relation_live_platform_info': {'platform_id': 'p1', 'live_id': 'l1'}}, current) == []

    def test_secrets_in_clear_are_compared(self):
        current = shown_room(stream_keys=['k1'], live_event_callback_config={'key': 'c1'})
        for update_secrets in ('on_create', 'always'):
            assert rooms.differences({'stream_keys': ['k1'], 'live_event_callback_config': {'key': 'c1'}}, current,
                                     update_secrets) == []
            assert rooms.differences({'stream_keys': ['k2']}, current, update_secrets) == ['stream_keys']

    def test_masked_secrets_follow_update_secrets(self):
        current = shown_room(stream_keys=[MASK], output_urls=['rtmp://x'], live_event_callback_config={'key': MASK})
        desired = {'stream_keys': ['k1'], 'live_event_callback_config': {'key': 'c1'}}
        assert rooms.differences(desired, current, 'on_create') == []
        assert rooms.differences(desired, current, 'always') == ['stream_keys', 'live_event_callback_config']
        # A mask hides the value, not how many there are.
        assert rooms.differences({'stream_keys': ['k1', 'k2']}, current, 'on_create') == ['stream_keys']


class TestUpdateBody(object):
    def test_read_only_and_derived_fields_are_not_sent(self):
        body = rooms.update_body(shown_room(), {'room_description': 'new'})
        assert body['room_description'] == 'new' and body['room_name'] == 'Spring sale'
        for key in rooms.READ_ONLY_FIELDS + ('view_mode',):
            assert key not in body
        assert None not in body.values()

    def test_view_mode_is_sent_when_given(self):
        assert rooms.update_body(shown_room(), {'view_mode': 'LANDSCAPE'})['view_mode'] == 'LANDSCAPE'

    def test_dicts_merge_lists_replace_none_removes(self):
        current = shown_room(video_config={'width': 1080, 'height': 1920, 'bitrate': 4000},
                             scene_scripts=[dict(SCRIPT, script_id='s-1'), dict(SCRIPT, script_name='B')],
                             priv_data='keep me', room_description='old')
        desired = {'video_config': {'bitrate': 6000, 'clip_mode': None}, 'scene_scripts': [SCRIPT],
                   'room_description': None}
        body = rooms.update_body(current, desired)
        assert body['video_config'] == {'width': 1080, 'height': 1920, 'bitrate': 6000}
        assert body['scene_scripts'] == [SCRIPT]
        assert 'room_description' not in body
        assert body['priv_data'] == 'keep me'
        predicted = rooms.predicted_room(current, body)
        assert rooms.differences(desired, predicted) == []
        assert predicted['room_id'] == ROOM_ID and 'room_description' not in predicted

    def test_platform_info_is_shrunk_to_the_body_fields(self):
        current = shown_room(relation_live_platform_info={'platform_id': 'p1', 'platform': 'meituan', 'account': 'a',
                                                          'live_id': 'l1'})
        body = rooms.update_body(current, {'room_description': 'x'})
        assert body['relation_live_platform_info'] == {'platform_id': 'p1', 'live_id': 'l1'}

    def test_a_masked_secret_is_never_sent_back(self):
        current = shown_room(stream_keys=[MASK], output_urls=['rtmp://x'], live_event_callback_config={'key': MASK})
        with pytest.raises(InvalidInputError, match=r'live_event_callback_config.key, stream_keys\[\] masked'):
            rooms.update_body(current, {'room_description': 'x'})
        body = rooms.update_body(current, {'stream_keys': ['k1'], 'live_event_callback_config': {'key': 'c1'}})
        assert body['stream_keys'] == ['k1'] and body['live_event_callback_config'] == {'key': 'c1'}


class TestCreateBody(object):
    def test_marker_only_when_priv_data_is_not_given(self):
        marker = rooms.new_create_marker()
        assert marker.startswith(rooms.CREATE_MARKER_PREFIX) and marker != rooms.new_create_marker()
        assert rooms.create_body({'room_name': 'A'}, marker) == {'room_name': 'A', 'priv_data': marker}
        assert rooms.create_body({'room_name': 'A', 'priv_data': ''}, marker) == {'room_name': 'A', 'priv_data': ''}
        assert rooms.create_body({'room_name': 'A', 'priv_data': None}, marker) == {'room_name': 'A'}
        assert rooms.create_body({'room_name': 'A', 'video_config': {'codec': None, 'width': 1}}) == {
            'room_name': 'A', 'video_config': {'width': 1}}


class TestRedaction(object):
    SECRET_ROOM = shown_room(
        stream_keys=['sk-1'], output_urls=['rtmp://push/app?key=sk-1'], priv_data='private',
        live_event_callback_config={'key': 'cb-key', 'auth_type': 'NONE',
                                    'live_event_type_callback_url': 'https://hook/?token=t1'})

    def test_every_secret_is_masked_and_nothing_else(self):
        redacted = rooms.redact_room(self.SECRET_ROOM)
        text = json.dumps(redacted)
        for secret in ('sk-1', 'private', 'cb-key', 't1'):
            assert secret not in text
        assert redacted['stream_keys'] == ['********'] and redacted['output_urls'] == ['********']
        assert redacted['live_event_callback_config']['auth_type'] == 'NONE'
        assert redacted['room_name'] == 'Spring sale'
        assert self.SECRET_ROOM['stream_keys'] == ['sk-1'], 'the room itself is left alone'

    def test_callback_url_is_kept_when_signed_by_the_key(self):
        room = {'live_event_callback_config': {'auth_type': 'MSS_A', 'live_event_type_callback_url': 'https://hook/'}}
        assert rooms.redact_room(room) == room
        assert rooms.secret_values(room) == []

    def test_no_key_is_added_and_empty_values_stay(self):
        assert rooms.redact_room({'live_event_callback_config': {}, 'priv_data': '', 'stream_keys': []}) == {
            'live_event_callback_config': {}, 'priv_data': '', 'stream_keys': []}
        assert rooms.redact_room(None) == {}

    def test_secret_values(self):
        assert sorted(rooms.secret_values(self.SECRET_ROOM)) == sorted(
            ['sk-1', 'rtmp://push/app?key=sk-1', 'private', 'cb-key', 'https://hook/?token=t1'])
        assert rooms.secret_values(shown_room(stream_keys=[MASK])) == []
        assert 'private' not in rooms.secret_values(self.SECRET_ROOM, with_priv_data=False)
        # A definition of the wrong shape, before it is refused: whole strings, never their characters.
        assert rooms.secret_values({'stream_keys': 'sk-1', 'output_urls': [1], 'live_event_callback_config': 'x'}) == ['sk-1']

    def test_diff_shows_the_fields_redacted(self):
        diff = rooms.room_diff(shown_room(stream_keys=['old'], room_description='a'),
                               {'stream_keys': ['new'], 'room_description': 'b'}, ['room_description', 'stream_keys'])
        assert diff == {'before': {'room_description': 'a', 'stream_keys': ['********']},
                        'after': {'room_description': 'b', 'stream_keys': ['********']}}
        assert rooms.room_diff({}, {'room_name': 'A'}, ['room_name']) == {'before': {}, 'after': {'room_name': 'A'}}


class ListingTransport(object):
    """Answers ListSmartLiveRooms from a fixed list of rooms, paginated and fuzzy-filtered as the API does."""

    def __init__(self, listed):
        self.listed = listed
        self.queries = []

    def call(self, name, query=None, body=None, **ids):
        assert name == 'ListSmartLiveRooms'
        query = dict(query)
        self.queries.append(query)
        matches = [room for room in self.listed if query['room_name'].lower() in room['room_name'].lower()]
        page = matches[query['offset']:query['offset'] + query['limit']]
        return ApiResponse(200, {'count': len(matches), 'smart_live_rooms': page}, 'req-%d' % len(self.queries))


class TestFindCreatedRoom(object):
    def listing(self):
        listed = [{'room_id': 'r%03d' % index, 'room_name': 'Spring sale %d' % index, 'priv_data': None}
                  for index in range(150)]
        listed += [{'room_id': 'mine', 'room_name': 'Spring sale', 'priv_data': 'metastudio.cloud:create:1'},
                   {'room_id': 'theirs', 'room_name': 'Spring sale', 'priv_data': None},
                   {'room_id': 'other', 'room_name': 'spring sale', 'priv_data': 'metastudio.cloud:create:1'}]
        return ListingTransport(listed)

    def test_exact_name_and_marker_across_pages(self):
        transport = self.listing()
        found = rooms.find_created_room(transport, 'Spring sale', 'metastudio.cloud:create:1')
        assert [room['room_id'] for room in found] == ['mine']
        assert len(transport.queries) == 2, 'every page is read'

    def test_without_priv_data_rooms_without_it_match(self):
        found = rooms.find_created_room(self.listing(), 'Spring sale', '')
        assert [room['room_id'] for room in found] == ['theirs']

    def test_nothing_found(self):
        assert rooms.find_created_room(self.listing(), 'Spring sale', 'metastudio.cloud:create:2') == []
