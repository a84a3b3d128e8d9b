# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the choice of authentication method in module_utils/metastudio.py."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils import metastudio
from ansible_collections.metastudio.cloud.plugins.module_utils.client import AkSkAuth, IamPasswordAuth, InvalidInputError, TokenAuth


def params(**given):
    """Module parameters as AnsibleModule gives them: every auth option present, None when not set."""
    values = dict(access_key=None, secret_key=None, security_token=None, auth_token=None,
                  iam_username=None, iam_password=None, iam_domain_name=None, iam_endpoint=None)
    values.update(given)
    return values


@pytest.mark.parametrize('given, message', [
    (dict(), 'no credentials'),
    (dict(access_key='', secret_key='', auth_token=''), 'no credentials'),
    (dict(access_key='AK', secret_key='SK', auth_token='TOKEN'), 'not several'),
    (dict(access_key='AK', secret_key='SK', security_token='ST', auth_token='TOKEN'), 'not several'),
    (dict(access_key='AK'), 'secret_key is missing'),
    (dict(access_key='AK', auth_token='TOKEN'), 'secret_key is missing'),
    (dict(secret_key='SK'), 'access_key is missing'),
    (dict(access_key='', secret_key='SK'), 'access_key is missing'),
    (dict(security_token='ST'), 'security_token belongs to temporary access keys'),
    (dict(security_token='ST', auth_token='TOKEN'), 'security_token belongs to temporary access keys'),
    (dict(iam_username='ops'), 'iam_password, iam_domain_name missing'),
    (dict(iam_username='ops', iam_password='pw'), 'iam_domain_name missing'),
    (dict(iam_password='pw', iam_domain_name='acme'), 'iam_username missing'),
    (dict(iam_username='ops', iam_password='pw', iam_domain_name='acme', auth_token='TOKEN'), 'not several'),
    (dict(iam_username='ops', iam_password='pw', iam_domain_name='acme', access_key='AK', secret_key='SK'), 'not several'),
])
def test_select_auth_refuses(given, message):
    with pytest.raises(InvalidInputError) as info:
        metastudio.select_auth(params(**given))
    assert message in str(info.value)
    assert message in info.value.msg


def test_no_credentials_message_names_the_environment_variables():
    with pytest.raises(InvalidInputError) as info:
        metastudio.select_auth(params())
    for name in ('access_key', 'secret_key', 'auth_token', 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK', 'HW_AUTH_TOKEN'):
        assert name in str(info.value)


def test_select_auth_permanent_keys():
    auth = metastudio.select_auth(params(access_key='AK', secret_key='SK'))
    assert isinstance(auth, AkSkAuth)
    assert auth.kind == 'aksk'
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('AK', 'SK', None)


def test_select_auth_temporary_keys():
    auth = metastudio.select_auth(params(access_key='AK', secret_key='SK', security_token='ST'))
    assert isinstance(auth, AkSkAuth)
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('AK', 'SK', 'ST')


@pytest.mark.parametrize('given', [dict(auth_token='TOKEN'), dict(auth_token='TOKEN', access_key='', secret_key='')])
def test_select_auth_token(given):
    auth = metastudio.select_auth(params(**given))
    assert isinstance(auth, TokenAuth)
    assert auth.kind == 'token'
    assert auth.token == 'TOKEN'


def test_select_auth_accepts_missing_keys():
    # Parameters built by hand may leave options out entirely.
    assert isinstance(metastudio.select_auth(dict(auth_token='TOKEN')), TokenAuth)
    with pytest.raises(InvalidInputError):
        metastudio.select_auth({})


def test_select_auth_iam_password():
    auth = metastudio.select_auth(params(iam_username='ops', iam_password='pw', iam_domain_name='acme',
                                         iam_endpoint='https://iam.cn-north-4.myhuaweicloud.com/v3'))
    assert isinstance(auth, IamPasswordAuth)
    assert auth.kind == 'iam'
    assert auth.iam_url == 'https://iam.cn-north-4.myhuaweicloud.com'
    assert (auth.username, auth.password, auth.domain_name, auth.token) == ('ops', 'pw', 'acme', None)


def test_select_auth_iam_password_default_endpoint():
    auth = metastudio.select_auth(params(iam_username='ops', iam_password='pw', iam_domain_name='acme'))
    assert auth.iam_url == 'https://iam.myhuaweicloud.com'


@pytest.mark.parametrize('endpoint', ['iam.myhuaweicloud.com', 'https://iam.example.com/v2', 'https://user@iam.example.com'])
def test_select_auth_iam_endpoint_refused(endpoint):
    with pytest.raises(InvalidInputError) as info:
        metastudio.select_auth(params(iam_username='ops', iam_password='pw', iam_domain_name='acme', iam_endpoint=endpoint))
    assert 'iam_endpoint' in info.value.msg


def test_domain_name_alone_does_not_choose_iam():
    auth = metastudio.select_auth(params(access_key='AK', secret_key='SK', iam_domain_name='acme'))
    assert isinstance(auth, AkSkAuth)
