# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _endpoint: ids, regions and endpoints are checked before any request."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
from urllib.parse import unquote, urlsplit

import pytest
import responses
from hypothesis import given, settings, strategies as st

from ansible_collections.metastudio.cloud.plugins.module_utils._auth import TokenAuth
from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import (
    ID_PATTERN,
    build_endpoint,
    host_header,
    validate_id,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._live_api import show_job, stop_job
from ansible_collections.metastudio.cloud.tests.unit.fakes import BASE, ENDPOINTS, HOST, J, LIST_URL, P, R, make_transport

ENCODED_SEGMENT = re.compile(r'^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})+$')
# No example database (nothing written into the work tree) and no timing deadline (slow CI machines).
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, database=None)


# -- regions and endpoints --------------------------------------------------------------------------

@pytest.mark.parametrize('region, expected', [
    (None, BASE),
    ('', BASE),
    ('cn-north-4', BASE),
    ('cn-east-3', 'https://metastudio.cn-east-3.myhuaweicloud.com'),
    ('ap-southeast-1', 'https://metastudio.ap-southeast-1.myhuaweicloud.com'),
    ('eu-west-101', 'https://metastudio.eu-west-101.myhuaweicloud.eu'),
    ('eu-west-0', 'https://metastudio.eu-west-0.myhuaweicloud.com'),
])
def test_build_endpoint_from_region(region, expected):
    assert build_endpoint(region=region) == expected


def test_default_region_is_cn_north_4(rsps):
    rsps.add(responses.GET, LIST_URL, json={'smart_live_jobs': []})
    transport = make_transport()
    assert transport.base_url == BASE
    transport.call('ListSmartLiveJobs')
    assert rsps.calls[0].request.url == LIST_URL
    assert rsps.calls[0].request.headers['Host'] == HOST


def test_eu_region_is_reached_on_the_eu_domain(rsps):
    url = 'https://metastudio.eu-west-101.myhuaweicloud.eu/v1/%s/smart-live-jobs' % P
    rsps.add(responses.GET, url, json={})
    make_transport(region='eu-west-101').call('ListSmartLiveJobs')
    assert rsps.calls[0].request.headers['Host'] == 'metastudio.eu-west-101.myhuaweicloud.eu'


@pytest.mark.parametrize('region', ['CN-NORTH-4', 'cn_north_4', 'cn', 'cn-north-4.evil.test', 'cn-north-4/../x',
                                    'cn-north-4 ', ' cn-north-4', 'cn-north-4:8443', u'cn-n\u00f6rth-4', 'cn-north-4\n'])
def test_invalid_region_refused(region):
    with pytest.raises(InvalidInputError, match='region'):
        build_endpoint(region=region)


@pytest.mark.parametrize('endpoint, base, host', ENDPOINTS)
def test_endpoint_override(endpoint, base, host):
    # The endpoint wins over the region.
    assert build_endpoint(region='eu-west-101', endpoint=endpoint) == base
    assert host_header(base) == host


@pytest.mark.parametrize('endpoint, reason', [
    ('metastudio.example.test', 'http:// or https://'),
    ('metastudio.example.test:8443', 'http:// or https://'),
    ('ftp://metastudio.example.test', 'http:// or https://'),
    ('https://', 'http:// or https://'),
    ('https://metastudio.example.test/v1', 'only a scheme'),
    ('https://metastudio.example.test/a/', 'only a scheme'),
    ('https://metastudio.example.test?x=1', 'only a scheme'),
    ('https://metastudio.example.test/?x=1', 'only a scheme'),
    ('https://metastudio.example.test#frag', 'only a scheme'),
    ('https://user@metastudio.example.test', 'only a scheme'),
    ('https://user:secret@metastudio.example.test', 'only a scheme'),
    ('https://@metastudio.example.test', 'only a scheme'),
    ('https://:@metastudio.example.test', 'only a scheme'),
    ('https://metastudio.example.test:99999', 'invalid port'),
    ('https://metastudio.example.test:port', 'invalid port'),
    ('https://metastudio.example.test:-1', 'invalid port'),
    ('http://[::1', 'endpoint'),
    ('http://[127.0.0.1]:80', 'endpoint'),
    ('https://127.0.0.1]:443', 'endpoint'),
])
def test_endpoint_refused(endpoint, reason):
    with pytest.raises(InvalidInputError) as info:
        build_endpoint(endpoint=endpoint)
    assert reason in str(info.value)
    assert 'endpoint' in info.value.msg


# -- ids --------------------------------------------------------------------------------------------

BAD_IDS = ['../x', '..', 'a?b', 'a/b', 'a#b', '%2e%2e', 'a%2Fb', 'a b', ' a', 'a\tb', 'a\x00b', '\x7f', 'a\rb', '\na',
           u'caf\u00e9', u'\u4efb\u52a1', '', 'a' * 129, 'a.b', 'a;b', None, 123, 'abc\n', J + '\n']


@pytest.mark.parametrize('bad', BAD_IDS, ids=[repr(bad) for bad in BAD_IDS])
def test_validate_id_refuses(bad):
    with pytest.raises(InvalidInputError, match='job_id'):
        validate_id('job_id', bad)


@pytest.mark.parametrize('good', [J, 'a', 'A-b_9', 'a' * 128])
def test_validate_id_accepts(good):
    assert validate_id('job_id', good) == good


@pytest.mark.parametrize('bad', ['../x', 'a/b', 'a?b', '%2e%2e', 'a\x00', ''])
def test_bad_ids_refused_before_any_call(http, bad):
    transport = make_transport()
    for call in (lambda: show_job(transport, R, bad), lambda: stop_job(transport, R, bad),
                 lambda: show_job(transport, bad, J), lambda: transport.call('ListSmartLive', room_id=bad)):
        with pytest.raises(InvalidInputError):
            call()
    with pytest.raises(InvalidInputError, match='project_id'):
        make_transport(project_id=bad)
    assert len(http.calls) == 0


@PROPERTY_SETTINGS
@given(any_id=st.one_of(st.from_regex(ID_PATTERN), st.text(max_size=130),
                        st.text(alphabet='abc-_/?#%.\n\x00 ', max_size=8)))
def test_accepted_id_is_exactly_one_encoded_path_segment(any_id):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, re.compile(re.escape(BASE) + '/.*'), json={'state': 'SUCCEED'})
        transport = make_transport(auth=TokenAuth('token'))
        try:
            validate_id('id', any_id)
        except InvalidInputError:
            with pytest.raises(InvalidInputError):
                show_job(transport, any_id, any_id)
            assert len(mock.calls) == 0
            return
        show_job(transport, any_id, any_id)
        segments = urlsplit(mock.calls[0].request.url).path.split('/')
    assert len(segments) == 7
    assert segments[:4] == ['', 'v1', P, 'smart-live-rooms']
    assert segments[5] == 'smart-live-jobs'
    for segment in (segments[4], segments[6]):
        assert ENCODED_SEGMENT.match(segment), segment
        assert unquote(segment) == any_id
