# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Connection and credential options, shared by the modules and the plugins.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.

Each option is defined once here, with its environment variables in order of preference. An
``OptionAdapter`` holds what a task or a plugin configuration gave explicitly; it resolves the rest from
the environment with one set of rules, so every module and plugin builds the same transport:

- a value given explicitly wins over the environment;
- the authentication method is the one the explicit options name (two there is an error), else the first
  the environment offers: access keys, then a token, then an IAM password;
- each of the method's values is the explicit one when given, else its environment variable's; a security
  token goes with the secret key it was issued for, so it comes from where the secret key came from,
  unless it is given explicitly.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os

from ansible_collections.metastudio.cloud.plugins.module_utils._auth import AkSkAuth, IamPasswordAuth, TokenAuth
from ansible_collections.metastudio.cloud.plugins.module_utils._endpoint import build_endpoint
from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import (
    DEFAULT_RATE_LIMIT,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    Transport,
)

# name: (argument spec, environment variables in order of preference)
CONNECTION_OPTIONS = dict(
    access_key=(dict(type="str", no_log=False, aliases=["ak"]), ("HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY")),
    secret_key=(dict(type="str", no_log=True, aliases=["sk"]), ("HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY")),
    security_token=(dict(type="str", no_log=True), ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN")),
    auth_token=(dict(type="str", no_log=True), ("HW_AUTH_TOKEN",)),
    iam_username=(dict(type="str"), ("HW_USER_NAME",)),
    iam_password=(dict(type="str", no_log=True), ("HW_USER_PASSWORD",)),
    iam_domain_name=(dict(type="str"), ("HW_DOMAIN_NAME",)),
    iam_endpoint=(dict(type="str"), ("HW_AUTH_URL",)),
    project_id=(dict(type="str"), ("HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID")),
    region=(dict(type="str"), ("HW_REGION_NAME",)),
    endpoint=(dict(type="str"), ("HW_METASTUDIO_ENDPOINT",)),
    app_user_id=(dict(type="str"), ()),
    validate_certs=(dict(type="bool", default=True), ()),
    ca_path=(dict(type="path"), ()),
    timeout=(dict(type="float", default=DEFAULT_TIMEOUT), ()),
    retries=(dict(type="int", default=DEFAULT_RETRIES), ()),
    rate_limit=(dict(type="float", default=DEFAULT_RATE_LIMIT), ()),
)

# Each method: the options that select it, then the options that go with it from the same place.
AUTH_METHODS = (
    ("access keys", ("access_key", "secret_key"), ("security_token",)),
    ("token", ("auth_token",), ()),
    ("IAM password", ("iam_username", "iam_password"), ()),
)
SECRET_OPTIONS = ("secret_key", "security_token", "auth_token", "iam_password")
NO_CREDENTIALS = (
    "no credentials: give access_key and secret_key (env HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), "
    "auth_token (env HW_AUTH_TOKEN), or iam_username, iam_password and iam_domain_name "
    "(env HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)")


def connection_argument_spec():
    """The argument spec of the connection options, for AnsibleModule. Nothing falls back to the
    environment there: the adapter does that, after it knows what the task gave."""
    return dict((name, dict(spec)) for name, (spec, dummy) in CONNECTION_OPTIONS.items())


class OptionAdapter(object):
    """The connection options of one module run or plugin, resolved with the environment."""

    def __init__(self, given, environ=None):
        self.given = dict((name, given.get(name)) for name in CONNECTION_OPTIONS)
        self.environ = os.environ if environ is None else environ

    @classmethod
    def from_plugin(cls, get_option, environ=None):
        """From a plugin's get_option(name); options the plugin does not define count as not given."""
        given = {}
        for name in CONNECTION_OPTIONS:
            try:
                given[name] = get_option(name)
            except KeyError:
                given[name] = None
        return cls(given, environ)

    def _from_env(self, name):
        for variable in CONNECTION_OPTIONS[name][1]:
            if self.environ.get(variable):
                return self.environ[variable]
        return None

    def get(self, name):
        """The value given explicitly, else from the environment, else the option's default."""
        value = self.given[name]
        if value is None:
            value = self._from_env(name)
        return CONNECTION_OPTIONS[name][0].get("default") if value is None else value

    def _chosen_method(self):
        """(method, where): the one method the task names, else the first the environment offers."""
        given = [method for method in AUTH_METHODS if any(self.given[name] for name in method[1])]
        if len(given) > 1:
            raise InvalidInputError(
                "give exactly one authentication method in the task, not %s: %s" % (
                    " and ".join(method[0] for method in given),
                    ", ".join(name for method in given for name in method[1] if self.given[name])))
        if given:
            return given[0], "given in the task"
        for method in AUTH_METHODS:
            if any(self._from_env(name) for name in method[1]):
                return method, "from the environment"
        if self.get("security_token"):
            raise InvalidInputError("security_token belongs to temporary access keys: give access_key and secret_key too")
        raise InvalidInputError(NO_CREDENTIALS)

    def auth_values(self):
        """(method name, {option: value}) of the one authentication method to use.

        Each value is the task's when given there, else that of the method's environment variable; a
        security token comes from where the secret key came from, unless the task gives one.
        """
        (name, selectors, companions), where = self._chosen_method()
        if self.given["security_token"] and "security_token" not in companions:
            raise InvalidInputError("security_token belongs to temporary access keys, not to %s (%s)" % (name, where))
        found = dict((option, self.get(option)) for option in selectors)
        missing = [option for option in selectors if not found[option]]
        if missing:
            raise InvalidInputError("%s go together: %s is missing (%s)" % (
                " and ".join(selectors), ", ".join(missing), where))
        if companions:
            found["security_token"] = self.given["security_token"] or (
                None if self.given["secret_key"] else self._from_env("security_token"))
        return name, found

    def build_auth(self):
        method, values = self.auth_values()
        if method == "access keys":
            return AkSkAuth(values["access_key"], values["secret_key"], values.get("security_token"))
        if method == "token":
            return TokenAuth(values["auth_token"])
        if not self.get("iam_domain_name"):
            raise InvalidInputError("iam_username, iam_password and iam_domain_name go together: iam_domain_name missing "
                                    "(give it, or set HW_DOMAIN_NAME to the account the IAM user belongs to)")
        return IamPasswordAuth(values["iam_username"], values["iam_password"], self.get("iam_domain_name"),
                               self.get("iam_endpoint"))

    def secret_values(self):
        """Every secret value in reach, given or from the environment, so that output can mask them."""
        values = [self.given[name] for name in SECRET_OPTIONS] + [self._from_env(name) for name in SECRET_OPTIONS]
        return [value for value in values if value]

    def project_id(self):
        project_id = self.get("project_id")
        if not project_id:
            raise InvalidInputError("project_id is required: give it, or set HUAWEICLOUD_SDK_PROJECT_ID or HW_PROJECT_ID")
        return project_id

    def build_transport(self, pool_size=10, **overrides):
        """A Transport for these options; ``overrides`` replace resolved settings (for tests and plugins)."""
        settings = dict(
            project_id=self.project_id(),
            auth=self.build_auth(),
            base_url=build_endpoint(self.get("region"), self.get("endpoint")),
            app_user_id=self.get("app_user_id"),
            validate_certs=self.get("validate_certs"),
            ca_path=self.get("ca_path"),
            timeout=self.get("timeout"),
            retries=self.get("retries"),
            rate_limit=self.get("rate_limit"),
            pool_size=pool_size,
        )
        settings.update(overrides)
        return Transport(**settings)
