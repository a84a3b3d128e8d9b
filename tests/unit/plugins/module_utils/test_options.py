# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of _options: one definition of the connection options, and how OptionAdapter resolves them
with the environment (given values win; the auth method comes from the task, else from the environment)."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import pytest

from ansible_collections.metastudio.cloud.plugins.module_utils._auth import AkSkAuth, IamPasswordAuth, TokenAuth
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._options import (
    CONNECTION_OPTIONS,
    SECRET_OPTIONS,
    OptionAdapter,
    connection_argument_spec,
)
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import (
    DEFAULT_RATE_LIMIT,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    Transport,
)
from ansible_collections.metastudio.cloud.tests.unit.fakes import BASE, P

KEYS = dict(access_key='AK', secret_key='SK')
IAM = dict(iam_username='ops', iam_password='pw', iam_domain_name='acme')
ENV_KEYS = dict(HUAWEICLOUD_SDK_AK='ENV-AK', HUAWEICLOUD_SDK_SK='ENV-SK')
ENV_TOKEN = dict(HW_AUTH_TOKEN='ENV-TOKEN')
ENV_IAM = dict(HW_USER_NAME='env-ops', HW_USER_PASSWORD='env-pw', HW_DOMAIN_NAME='env-acme')


def adapter(environ=None, **given):
    """An adapter over ``given`` options (absent ones None, as AnsibleModule gives them) and ``environ`` alone."""
    return OptionAdapter(given, environ or {})


def auth_of(environ=None, **given):
    return adapter(environ, **given).build_auth()


# -- refusals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('given, message', [
    (dict(), 'no credentials'),
    (dict(access_key='', secret_key='', auth_token=''), 'no credentials'),
    (dict(access_key='AK', secret_key='SK', auth_token='TOKEN'), 'not access keys and token: access_key, secret_key, auth_token'),
    (dict(access_key='AK', secret_key='SK', security_token='ST', auth_token='TOKEN'), 'not access keys and token'),
    (dict(access_key='AK', auth_token='TOKEN'), 'not access keys and token: access_key, auth_token'),
    (dict(access_key='AK'), 'access_key and secret_key go together: secret_key is missing (given in the task)'),
    (dict(secret_key='SK'), 'access_key is missing'),
    (dict(access_key='', secret_key='SK'), 'access_key is missing'),
    (dict(security_token='ST'), 'security_token belongs to temporary access keys'),
    (dict(iam_username='ops'), 'iam_username and iam_password go together: iam_password is missing'),
    (dict(iam_username='ops', iam_password='pw'), 'iam_domain_name missing'),
    (dict(iam_password='pw', iam_domain_name='acme'), 'iam_username is missing'),
    (dict(IAM, auth_token='TOKEN'), 'not token and IAM password'),
    (dict(IAM, **KEYS), 'not access keys and IAM password'),
    (dict(iam_username='ops', iam_password='pw', iam_domain_name='acme', iam_endpoint='https://iam.example.com/v2'),
     'iam_endpoint'),
])
def test_auth_refused(given, message):
    with pytest.raises(InvalidInputError) as info:
        auth_of(**given)
    assert message in str(info.value)
    assert message in info.value.msg


def test_security_token_with_a_token_in_the_task_is_refused():
    with pytest.raises(InvalidInputError, match='security_token'):
        auth_of(security_token='ST', auth_token='TOKEN')


def test_several_methods_in_the_task_are_refused_with_the_task_named():
    with pytest.raises(InvalidInputError) as info:
        auth_of(ENV_KEYS, auth_token='TOKEN', **KEYS)
    assert 'give exactly one authentication method in the task' in info.value.msg


def test_no_credentials_message_names_the_environment_variables():
    with pytest.raises(InvalidInputError) as info:
        auth_of()
    for name in ('access_key', 'secret_key', 'auth_token', 'iam_username', 'HUAWEICLOUD_SDK_AK', 'HUAWEICLOUD_SDK_SK',
                 'HW_AUTH_TOKEN', 'HW_USER_NAME', 'HW_USER_PASSWORD', 'HW_DOMAIN_NAME'):
        assert name in str(info.value)


def test_half_keys_in_the_environment_name_where_they_came_from():
    with pytest.raises(InvalidInputError) as info:
        auth_of(dict(HUAWEICLOUD_SDK_AK='ENV-AK'))
    assert info.value.msg == 'access_key and secret_key go together: secret_key is missing (from the environment)'


# -- each method ------------------------------------------------------------------------------------

def test_permanent_keys():
    auth = auth_of(**KEYS)
    assert isinstance(auth, AkSkAuth)
    assert auth.kind == 'aksk'
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('AK', 'SK', None)


def test_temporary_keys():
    auth = auth_of(security_token='ST', **KEYS)
    assert isinstance(auth, AkSkAuth)
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('AK', 'SK', 'ST')


@pytest.mark.parametrize('given', [dict(auth_token='TOKEN'), dict(auth_token='TOKEN', access_key='', secret_key='')])
def test_token(given):
    auth = auth_of(**given)
    assert isinstance(auth, TokenAuth)
    assert auth.kind == 'token'
    assert auth.token == 'TOKEN'


def test_iam_password():
    auth = auth_of(iam_endpoint='https://iam.cn-north-4.myhuaweicloud.com/v3', **IAM)
    assert isinstance(auth, IamPasswordAuth)
    assert auth.kind == 'iam'
    assert auth.iam_url == 'https://iam.cn-north-4.myhuaweicloud.com'
    assert (auth.username, auth.password, auth.domain_name, auth.token) == ('ops', 'pw', 'acme', None)


def test_iam_password_default_endpoint():
    assert auth_of(**IAM).iam_url == 'https://iam.myhuaweicloud.com'


def test_domain_name_alone_does_not_choose_iam():
    assert isinstance(auth_of(iam_domain_name='acme', **KEYS), AkSkAuth)
    assert isinstance(auth_of(ENV_TOKEN, iam_domain_name='acme'), TokenAuth)


def test_options_left_out_entirely_count_as_not_given():
    # Options given by hand (a plugin, a test) may leave options out altogether.
    assert isinstance(OptionAdapter(dict(auth_token='TOKEN'), {}).build_auth(), TokenAuth)
    with pytest.raises(InvalidInputError):
        OptionAdapter({}, {}).build_auth()


# -- precedence: the task over the environment, and the environment's own order ----------------------

@pytest.mark.parametrize('environ, given, kind, values', [
    (dict(ENV_TOKEN, **ENV_IAM), dict(KEYS), 'aksk', ('AK', 'SK')),
    (dict(ENV_KEYS, **ENV_IAM), dict(auth_token='TOKEN'), 'token', 'TOKEN'),
    (dict(ENV_KEYS, **ENV_TOKEN), dict(iam_username='ops', iam_password='pw', iam_domain_name='acme'), 'iam', ('ops', 'pw')),
    (dict(ENV_KEYS, **dict(ENV_TOKEN, **ENV_IAM)), dict(), 'aksk', ('ENV-AK', 'ENV-SK')),
    (dict(ENV_TOKEN, **ENV_IAM), dict(), 'token', 'ENV-TOKEN'),
    (dict(ENV_IAM), dict(), 'iam', ('env-ops', 'env-pw')),
    (dict(HW_ACCESS_KEY='HW-AK', HW_SECRET_KEY='HW-SK', **ENV_TOKEN), dict(), 'aksk', ('HW-AK', 'HW-SK')),
])
def test_auth_precedence(environ, given, kind, values):
    auth = auth_of(environ, **given)
    assert auth.kind == kind
    found = auth.token if kind == 'token' else (auth.access_key, auth.secret_key) if kind == 'aksk' else (
        auth.username, auth.password)
    assert found == values


def test_a_security_token_goes_with_the_secret_key_it_was_issued_for():
    # Keys given whole in the task are not paired with a security token from the environment.
    auth = auth_of(dict(HUAWEICLOUD_SDK_SECURITY_TOKEN='ENV-ST', **ENV_KEYS), **KEYS)
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('AK', 'SK', None)
    # A secret key from the environment brings its security token along.
    auth = auth_of(dict(HUAWEICLOUD_SDK_SECURITY_TOKEN='ENV-ST', **ENV_KEYS), access_key='AK')
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('AK', ENV_KEYS['HUAWEICLOUD_SDK_SK'], 'ENV-ST')
    # A security token given in the task is used whatever else the task gives.
    auth = auth_of(dict(HUAWEICLOUD_SDK_SECURITY_TOKEN='ENV-ST', **ENV_KEYS), security_token='ST', **KEYS)
    assert auth.security_token == 'ST'


def test_the_method_of_the_task_is_completed_from_its_own_environment_variables():
    # The task names the method; its values the task leaves out come from that method's variables only.
    auth = auth_of(dict(HW_USER_PASSWORD='env-pw', HW_DOMAIN_NAME='acme', HW_AUTH_TOKEN='ENV-TOKEN', **ENV_KEYS),
                   iam_username='ops')
    assert isinstance(auth, IamPasswordAuth) and (auth.username, auth.password) == ('ops', 'env-pw')
    with pytest.raises(InvalidInputError, match='iam_password is missing'):
        auth_of(dict(HW_AUTH_TOKEN='ENV-TOKEN', **ENV_KEYS), iam_username='ops')


def test_iam_account_and_endpoint_may_come_from_the_environment():
    auth = auth_of(dict(HW_DOMAIN_NAME='env-acme', HW_AUTH_URL='https://iam.example.com/v3'),
                   iam_username='ops', iam_password='pw')
    assert (auth.username, auth.password, auth.domain_name, auth.iam_url) == ('ops', 'pw', 'env-acme', 'https://iam.example.com')
    assert auth_of(dict(HW_DOMAIN_NAME='env-acme'), **IAM).domain_name == 'acme'


def test_temporary_keys_from_the_environment():
    auth = auth_of(dict(HW_SECURITY_TOKEN='ENV-ST', **ENV_KEYS))
    assert (auth.access_key, auth.secret_key, auth.security_token) == ('ENV-AK', 'ENV-SK', 'ENV-ST')


# -- other options ----------------------------------------------------------------------------------

@pytest.mark.parametrize('environ, given, expected', [
    (dict(HUAWEICLOUD_SDK_PROJECT_ID='first', HW_PROJECT_ID='second'), None, 'first'),
    (dict(HW_PROJECT_ID='second'), None, 'second'),
    (dict(HUAWEICLOUD_SDK_PROJECT_ID='', HW_PROJECT_ID='second'), None, 'second'),
    (dict(HUAWEICLOUD_SDK_PROJECT_ID='first'), 'given', 'given'),
])
def test_get_prefers_the_given_value_then_the_variables_in_order(environ, given, expected):
    assert adapter(environ, project_id=given).get('project_id') == expected


@pytest.mark.parametrize('name, default', [('timeout', DEFAULT_TIMEOUT), ('retries', DEFAULT_RETRIES),
                                           ('rate_limit', DEFAULT_RATE_LIMIT), ('validate_certs', True),
                                           ('region', None), ('endpoint', None)])
def test_get_falls_back_to_the_default(name, default):
    assert adapter().get(name) == default


def test_empty_variables_count_as_unset():
    # AWX injects every variable of a credential, empty when its field is.
    environ = dict(ENV_KEYS, HUAWEICLOUD_SDK_SECURITY_TOKEN='', HW_REGION_NAME='', HW_METASTUDIO_ENDPOINT='',
                   HW_AUTH_TOKEN='')
    options = adapter(environ)
    assert options.get('region') is None and options.get('endpoint') is None
    auth = options.build_auth()
    assert isinstance(auth, AkSkAuth) and not auth.security_token


def test_project_id_is_required():
    with pytest.raises(InvalidInputError) as info:
        adapter().project_id()
    for name in ('project_id', 'HUAWEICLOUD_SDK_PROJECT_ID', 'HW_PROJECT_ID'):
        assert name in info.value.msg


def test_secret_values_come_from_the_task_and_the_environment():
    environ = dict(ENV_KEYS, HW_AUTH_TOKEN='ENV-TOKEN', HW_USER_PASSWORD='env-pw', HW_SECURITY_TOKEN='ENV-ST')
    secrets = adapter(environ, secret_key='SK', auth_token='TOKEN', access_key='AK').secret_values()
    assert set(secrets) == {'SK', 'TOKEN', 'ENV-SK', 'ENV-TOKEN', 'env-pw', 'ENV-ST'}
    assert 'AK' not in secrets and 'ENV-AK' not in secrets


def test_from_plugin_reads_the_options_the_plugin_defines():
    defined = dict(auth_token='TOKEN', project_id=P, region='eu-west-101')

    def get_option(name):
        if name not in defined:
            raise KeyError(name)
        return defined[name]

    options = OptionAdapter.from_plugin(get_option, environ=dict(HW_REGION_NAME='cn-east-3', **ENV_KEYS))
    assert isinstance(options.build_auth(), TokenAuth)
    assert options.get('region') == 'eu-west-101'
    assert options.get('timeout') == DEFAULT_TIMEOUT


def test_build_transport_from_the_environment():
    transport = adapter(dict(ENV_KEYS, HW_PROJECT_ID=P, HW_METASTUDIO_ENDPOINT='https://metastudio.example.test/'),
                        region='cn-east-3').build_transport(pool_size=30, retries=0)
    try:
        assert isinstance(transport, Transport)
        assert transport.project_id == P
        # The endpoint wins over the region, wherever each came from.
        assert transport.base_url == 'https://metastudio.example.test'
        assert transport.auth.access_key == 'ENV-AK'
        assert (transport.timeout, transport.retries, transport.verify) == (DEFAULT_TIMEOUT, 0, True)
        assert transport.limiter.max_rate == DEFAULT_RATE_LIMIT
    finally:
        transport.close()


def test_build_transport_region_default():
    transport = adapter(project_id=P, **KEYS).build_transport()
    assert transport.base_url == BASE
    transport.close()


# -- the argument spec ------------------------------------------------------------------------------

def test_argument_spec_has_every_option_and_no_environment_fallback():
    spec = connection_argument_spec()
    assert set(spec) == set(CONNECTION_OPTIONS)
    for name, option in spec.items():
        assert 'fallback' not in option, name
        assert option['type'] in ('str', 'bool', 'path', 'float', 'int')
    for name in SECRET_OPTIONS:
        assert spec[name]['no_log'] is True, name
    assert spec['access_key']['aliases'] == ['ak'] and spec['secret_key']['aliases'] == ['sk']


def test_argument_spec_is_a_copy():
    connection_argument_spec()['timeout']['default'] = 1
    assert connection_argument_spec()['timeout']['default'] == DEFAULT_TIMEOUT


def test_every_secret_option_is_no_log_and_every_variable_is_named_once():
    variables = [variable for dummy, names in CONNECTION_OPTIONS.values() for variable in names]
    assert len(variables) == len(set(variables))
    assert set(SECRET_OPTIONS) == set(name for name, (spec, dummy) in CONNECTION_OPTIONS.items() if spec.get('no_log'))
