# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the SDK-HMAC-SHA256 signer, against the vectors of the official signer."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import hashlib
import hmac
import json
import os
import re
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.metastudio.cloud.plugins.module_utils import signer

FIXTURE = os.path.join(os.path.dirname(__file__), '..', '..', 'fixtures', 'signing-vectors.json')

with open(FIXTURE, 'rb') as fixture_file:
    VECTORS = json.loads(fixture_file.read().decode('utf-8'))['vectors']

DATE = '20240102T030405Z'
EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
CANONICAL_QUERY_CHARS = re.compile(r'^(?:[A-Za-z0-9\-._~=&]|%[0-9A-F]{2})*$')

# No example database (nothing written into the work tree) and no timing deadline (slow CI machines).
PROPERTY_SETTINGS = settings(max_examples=300, deadline=None, database=None)


def vector_headers(vector):
    headers = dict(vector['headers_in'])
    headers['Host'] = vector['host']
    return headers


def lines_of(canonical):
    """The canonical request split into method, uri, query, header lines, signed headers and payload hash."""
    parts = canonical.split('\n')
    # The header block ends with a newline, so an empty line precedes the signed headers.
    assert parts[-3] == ''
    return parts[0], parts[1], parts[2], parts[3:-3], parts[-2], parts[-1]


# -- the official vectors ---------------------------------------------------------------------------

def test_fixture_holds_the_four_vectors():
    assert [vector['name'][:2] for vector in VECTORS] == ['V1', 'V2', 'V3', 'V4']


@pytest.mark.parametrize('vector', VECTORS, ids=[vector['name'] for vector in VECTORS])
def test_vector_canonical_query_is_the_query_sent(vector):
    expected = vector['request_uri'].partition('?')[2]
    assert signer.canonical_query(vector['query']) == expected


@pytest.mark.parametrize('vector', VECTORS, ids=[vector['name'] for vector in VECTORS])
def test_vector_canonical_request(vector):
    canonical = signer.canonical_request(vector['method'], vector['path'], signer.canonical_query(vector['query']),
                                         vector_headers(vector), vector['body'])
    assert canonical == vector['canonical_request']


@pytest.mark.parametrize('vector', VECTORS, ids=[vector['name'] for vector in VECTORS])
def test_vector_string_to_sign(vector):
    canonical = signer.canonical_request(vector['method'], vector['path'], signer.canonical_query(vector['query']),
                                         vector_headers(vector), vector['body'])
    assert signer.string_to_sign(canonical, vector['headers_in']['X-Sdk-Date']) == vector['string_to_sign']
    # The fixture agrees with itself: the digest in the string to sign is that of the canonical request.
    digest = hashlib.sha256(vector['canonical_request'].encode('utf-8')).hexdigest()
    assert vector['string_to_sign'].endswith('\n' + digest)


@pytest.mark.parametrize('vector', VECTORS, ids=[vector['name'] for vector in VECTORS])
def test_vector_authorization(vector):
    authorization = signer.sign(vector['method'], vector['path'], signer.canonical_query(vector['query']),
                                vector_headers(vector), vector['body'], vector['ak'], vector['sk'])
    assert authorization == vector['authorization']


@pytest.mark.parametrize('vector', [vector for vector in VECTORS if vector['body']],
                         ids=[vector['name'] for vector in VECTORS if vector['body']])
def test_vector_body_as_bytes_signs_the_same(vector):
    authorization = signer.sign(vector['method'], vector['path'], signer.canonical_query(vector['query']),
                                vector_headers(vector), vector['body'].encode('utf-8'), vector['ak'], vector['sk'])
    assert authorization == vector['authorization']


def test_vector_signature_is_hmac_of_string_to_sign():
    vector = VECTORS[0]
    expected = hmac.new(vector['sk'].encode('utf-8'), vector['string_to_sign'].encode('utf-8'), hashlib.sha256).hexdigest()
    assert vector['authorization'].endswith('Signature=' + expected)
    authorization = signer.sign(vector['method'], vector['path'], '', vector_headers(vector), None, vector['ak'], vector['sk'])
    assert authorization.endswith('Signature=' + expected)


# -- the reference's extra edge case ----------------------------------------------------------------

def test_edge_case_port_spaces_colon_lists_empty_and_bool():
    query = signer.canonical_query({'b': '', 'a': ['y', 'x'], 'c': True})
    assert query == 'a=x&a=y&b=&c=true'
    canonical = signer.canonical_request('GET', '/a b/c:d', query, {'Host': 'h:8443', 'X-Sdk-Date': DATE}, None)
    method, uri, canonical_query, header_lines, signed, payload_hash = lines_of(canonical)
    assert method == 'GET'
    assert uri == '/a%20b/c%3Ad/'
    assert canonical_query == 'a=x&a=y&b=&c=true'
    assert header_lines == ['host:h:8443', 'x-sdk-date:' + DATE]
    assert signed == 'host;x-sdk-date'
    assert payload_hash == EMPTY_SHA256


@pytest.mark.parametrize('path, expected', [
    ('/a b/c:d', '/a%20b/c%3Ad/'),
    ('/v1/p/smart-live-jobs', '/v1/p/smart-live-jobs/'),
    ('/v1/p/smart-live-jobs/', '/v1/p/smart-live-jobs/'),
    ('/', '/'),
    ('', '/'),
    ('/a%20b/%7Ex', '/a%20b/~x/'),
    ('/x%2fy', '/x%2Fy/'),
    (u'/\u6d4b', '/%E6%B5%8B/'),
])
def test_canonical_uri(path, expected):
    assert signer.canonical_uri(path) == expected


# -- headers ----------------------------------------------------------------------------------------

def test_headers_with_underscore_are_not_signed():
    headers = {'Host': 'h', 'X-Sdk-Date': DATE, 'X_Ignored': 'v', 'under_score': 'w'}
    assert signer.signed_header_names(headers) == ['host', 'x-sdk-date']
    canonical = signer.canonical_request('GET', '/', '', headers, None)
    assert 'x_ignored' not in canonical
    assert 'under_score' not in canonical
    authorization = signer.sign('GET', '/', '', headers, None, 'AK', 'SK')
    assert 'SignedHeaders=host;x-sdk-date,' in authorization


def test_underscore_header_does_not_change_the_signature():
    base = {'Host': 'h', 'X-Sdk-Date': DATE}
    with_extra = dict(base, X_Other='anything')
    assert signer.sign('GET', '/', '', base, None, 'AK', 'SK') == signer.sign('GET', '/', '', with_extra, None, 'AK', 'SK')


def test_header_values_are_trimmed_and_names_lowered():
    headers = {'HOST': 'h', 'X-Sdk-Date': '  %s\t' % DATE, 'X-App-UserId': '  user  01  '}
    header_lines = lines_of(signer.canonical_request('GET', '/', '', headers, None))[3]
    # Only leading and trailing whitespace goes; inner spaces stay.
    assert header_lines == ['host:h', 'x-app-userid:user  01', 'x-sdk-date:' + DATE]


def test_header_order_does_not_matter():
    first = {'Host': 'h', 'X-Sdk-Date': DATE, 'Content-Type': 'application/json'}
    second = {'Content-Type': 'application/json', 'X-Sdk-Date': DATE, 'Host': 'h'}
    assert signer.sign('GET', '/', '', first, None, 'AK', 'SK') == signer.sign('GET', '/', '', second, None, 'AK', 'SK')


def test_signed_value_changes_with_a_signed_header():
    headers = {'Host': 'h', 'X-Sdk-Date': DATE, 'X-Project-Id': 'p1'}
    other = dict(headers, **{'X-Project-Id': 'p2'})
    assert signer.sign('GET', '/', '', headers, None, 'AK', 'SK') != signer.sign('GET', '/', '', other, None, 'AK', 'SK')


# -- payload hash -----------------------------------------------------------------------------------

@pytest.mark.parametrize('body', [None, '', b''])
def test_empty_body_hash(body):
    canonical = signer.canonical_request('POST', '/', '', {'Host': 'h'}, body)
    assert lines_of(canonical)[5] == EMPTY_SHA256
    assert signer.EMPTY_BODY_SHA256 == hashlib.sha256(b'').hexdigest()


@pytest.mark.parametrize('body', [b'{"a": 1}', '{"a": 1}'])
def test_non_empty_body_hash(body):
    canonical = signer.canonical_request('POST', '/', '', {'Host': 'h'}, body)
    assert lines_of(canonical)[5] == hashlib.sha256(b'{"a": 1}').hexdigest()


def test_non_ascii_text_body_is_hashed_as_utf8():
    canonical = signer.canonical_request('POST', '/', '', {'Host': 'h'}, u'{"t": "\u6d4b"}')
    assert lines_of(canonical)[5] == hashlib.sha256(u'{"t": "\u6d4b"}'.encode('utf-8')).hexdigest()


def test_content_sha256_header_overrides_the_body_hash():
    headers = {'Host': 'h', 'X-Sdk-Date': DATE, 'X-Sdk-Content-Sha256': ' UNSIGNED-PAYLOAD '}
    canonical = signer.canonical_request('POST', '/', '', headers, b'{"a": 1}')
    header_lines, signed, payload_hash = lines_of(canonical)[3:]
    assert payload_hash == 'UNSIGNED-PAYLOAD'
    assert 'x-sdk-content-sha256:UNSIGNED-PAYLOAD' in header_lines
    assert signed == 'host;x-sdk-content-sha256;x-sdk-date'


def test_content_sha256_header_is_matched_whatever_its_case():
    headers = {'Host': 'h', 'x-sdk-content-SHA256': 'abc'}
    assert lines_of(signer.canonical_request('POST', '/', '', headers, b'body'))[5] == 'abc'


def test_method_is_upper_cased():
    assert signer.canonical_request('post', '/', '', {'Host': 'h'}, None).startswith('POST\n/\n')


# -- X-Sdk-Date -------------------------------------------------------------------------------------

@pytest.mark.parametrize('headers', [
    {'Host': 'h'},
    {'Host': 'h', 'X-Sdk-Date': ''},
    {'Host': 'h', 'X-Sdk-Date': '   '},
])
def test_sign_without_sdk_date_raises(headers):
    with pytest.raises(ValueError, match='X-Sdk-Date'):
        signer.sign('GET', '/', '', headers, None, 'AK', 'SK')


def test_sign_finds_sdk_date_whatever_its_case():
    upper = signer.sign('GET', '/', '', {'Host': 'h', 'X-Sdk-Date': DATE}, None, 'AK', 'SK')
    lower = signer.sign('GET', '/', '', {'Host': 'h', 'x-sdk-date': DATE}, None, 'AK', 'SK')
    assert upper == lower


def test_string_to_sign_layout():
    digest = hashlib.sha256(b'canonical').hexdigest()
    assert signer.string_to_sign('canonical', DATE) == 'SDK-HMAC-SHA256\n%s\n%s' % (DATE, digest)


def test_sdk_date_of_a_utc_time():
    assert signer.sdk_date(datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)) == DATE


def test_sdk_date_defaults_to_now_in_utc():
    before = datetime.now(timezone.utc).replace(microsecond=0)
    value = signer.sdk_date()
    after = datetime.now(timezone.utc)
    assert re.match(r'^\d{8}T\d{6}Z$', value)
    parsed = datetime.strptime(value, '%Y%m%dT%H%M%SZ').replace(tzinfo=timezone.utc)
    assert before <= parsed <= after


def test_sdk_date_converts_aware_times_to_utc():
    beijing = timezone(timedelta(hours=8))
    assert signer.sdk_date(datetime(2024, 1, 2, 11, 4, 5, tzinfo=beijing)) == DATE


# -- canonical query --------------------------------------------------------------------------------

@pytest.mark.parametrize('params, expected', [
    ([], ''),
    ({}, ''),
    ([('limit', 10), ('offset', 0)], 'limit=10&offset=0'),
    ({'offset': 0, 'limit': 10}, 'limit=10&offset=0'),
    ([('flag', False), ('other', True)], 'flag=false&other=true'),
    ([('empty', None)], 'empty='),
    ([('k', ('b', 'a'))], 'k=a&k=b'),
    ([('k', [])], ''),
    ([('k', 'a b+c*d~e/f:g,h=i&j')], 'k=a%20b%2Bc%2Ad~e%2Ff%3Ag%2Ch%3Di%26j'),
    ([('sp ace', u'\u6d4b')], 'sp%20ace=%E6%B5%8B'),
    ([('b', '1'), ('a', '2'), ('a', '1')], 'a=1&a=2&b=1'),
])
def test_canonical_query(params, expected):
    assert signer.canonical_query(params) == expected


SCALARS = st.one_of(st.text(max_size=12), st.integers(), st.booleans(), st.none())
QUERY_PAIRS = st.lists(st.tuples(st.text(max_size=12), st.one_of(SCALARS, st.lists(SCALARS, max_size=3))), max_size=8)


def expected_text(value):
    if value is None:
        return ''
    if value is True:
        return 'true'
    if value is False:
        return 'false'
    return str(value)


def flatten(pairs):
    flat = []
    for key, value in pairs:
        for element in (value if isinstance(value, list) else [value]):
            flat.append((key, expected_text(element)))
    return flat


@PROPERTY_SETTINGS
@given(pairs=QUERY_PAIRS, seed=st.randoms(use_true_random=False))
def test_canonical_query_property(pairs, seed):
    query = signer.canonical_query(pairs)
    # Only unreserved characters, upper-case %XX escapes and the separators.
    assert CANONICAL_QUERY_CHARS.match(query), query
    # Independent of the order of the input pairs.
    shuffled = list(pairs)
    seed.shuffle(shuffled)
    assert signer.canonical_query(shuffled) == query
    # Exactly one k=v per element, which decodes back to the input, sorted.
    flat = flatten(pairs)
    parts = query.split('&') if query else []
    assert len(parts) == len(flat)
    decoded = [tuple(unquote(item) for item in part.split('=')) for part in parts]
    assert decoded == sorted(flat)
