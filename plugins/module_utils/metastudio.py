# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Base class of the metastudio.cloud modules.

Internal to the metastudio.cloud collection; may change in any release.
It holds the shared options, builds the client, and turns client errors into fail_json in one place.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.metastudio.cloud.plugins.module_utils.client import (
    DEFAULT_RATE_LIMIT,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    AkSkAuth,
    IamPasswordAuth,
    InvalidInputError,
    MetaStudioClient,
    MetaStudioError,
    TokenAuth,
)


def metastudio_argument_spec():
    """Options shared by every module: auth, connection. Each env list is in order of preference."""
    return dict(
        access_key=dict(type="str", no_log=False, aliases=["ak"],
                        fallback=(env_fallback, ["HUAWEICLOUD_SDK_AK", "HW_ACCESS_KEY"])),
        secret_key=dict(type="str", no_log=True, aliases=["sk"],
                        fallback=(env_fallback, ["HUAWEICLOUD_SDK_SK", "HW_SECRET_KEY"])),
        security_token=dict(type="str", no_log=True,
                            fallback=(env_fallback, ["HUAWEICLOUD_SDK_SECURITY_TOKEN", "HW_SECURITY_TOKEN"])),
        auth_token=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_AUTH_TOKEN"])),
        iam_username=dict(type="str", fallback=(env_fallback, ["HW_USER_NAME"])),
        iam_password=dict(type="str", no_log=True, fallback=(env_fallback, ["HW_USER_PASSWORD"])),
        iam_domain_name=dict(type="str", fallback=(env_fallback, ["HW_DOMAIN_NAME"])),
        iam_endpoint=dict(type="str", fallback=(env_fallback, ["HW_AUTH_URL"])),
        project_id=dict(type="str", required=True,
                        fallback=(env_fallback, ["HUAWEICLOUD_SDK_PROJECT_ID", "HW_PROJECT_ID"])),
        region=dict(type="str", fallback=(env_fallback, ["HW_REGION_NAME"])),
        endpoint=dict(type="str", fallback=(env_fallback, ["HW_METASTUDIO_ENDPOINT"])),
        app_user_id=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
        ca_path=dict(type="path"),
        timeout=dict(type="float", default=DEFAULT_TIMEOUT),
        retries=dict(type="int", default=DEFAULT_RETRIES),
        rate_limit=dict(type="float", default=DEFAULT_RATE_LIMIT),
    )


def wait_argument_spec():
    return dict(
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
        wait_sleep=dict(type="float", default=3),
    )


IAM_OPTIONS = ("iam_username", "iam_password", "iam_domain_name")


def select_auth(params):
    """Exactly one auth method: access keys (optionally temporary), a token, or an IAM password."""
    has_keys = bool(params.get("access_key") or params.get("secret_key"))
    has_token = bool(params.get("auth_token"))
    # The account name alone does not choose IAM login: Terraform users often export HW_DOMAIN_NAME anyway.
    has_password = bool(params.get("iam_username") or params.get("iam_password"))
    if params.get("security_token") and not has_keys:
        raise InvalidInputError("security_token belongs to temporary access keys: give access_key and secret_key too")
    if has_keys and not (params.get("access_key") and params.get("secret_key")):
        missing = "secret_key" if params.get("access_key") else "access_key"
        raise InvalidInputError("access_key and secret_key go together: %s is missing" % missing)
    if has_password and not all(params.get(name) for name in IAM_OPTIONS):
        missing = ", ".join(name for name in IAM_OPTIONS if not params.get(name))
        raise InvalidInputError("iam_username, iam_password and iam_domain_name go together: %s missing" % missing)
    if has_keys + has_token + has_password > 1:
        raise InvalidInputError(
            "give exactly one authentication method: access_key/secret_key, auth_token, or iam_username/iam_password, "
            "not several (values may come from environment variables such as HUAWEICLOUD_SDK_AK, HW_ACCESS_KEY, "
            "HW_AUTH_TOKEN or HW_USER_NAME)")
    if has_keys:
        return AkSkAuth(params["access_key"], params["secret_key"], params.get("security_token"))
    if has_token:
        return TokenAuth(params["auth_token"])
    if has_password:
        return IamPasswordAuth(params["iam_username"], params["iam_password"], params["iam_domain_name"],
                               params.get("iam_endpoint"))
    raise InvalidInputError(
        "no credentials: give access_key and secret_key (env HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK), "
        "auth_token (env HW_AUTH_TOKEN), or iam_username, iam_password and iam_domain_name "
        "(env HW_USER_NAME, HW_USER_PASSWORD, HW_DOMAIN_NAME)")


class MetaStudioModule(object):
    """Subclasses set argument_spec and module_kwargs, and implement run().

    run() returns the result dict; every MetaStudioError raised on the way becomes one fail_json
    carrying msg, status_code, error_code, error_msg, request_id and all request_ids.
    """

    argument_spec = {}
    module_kwargs = {}
    wait_options = False

    def __init__(self):
        spec = metastudio_argument_spec()
        if self.wait_options:
            spec.update(wait_argument_spec())
        spec.update(self.argument_spec)
        self.ansible = AnsibleModule(argument_spec=spec, **self.module_kwargs)
        self.params = self.ansible.params
        self.client = None

    @property
    def check_mode(self):
        return self.ansible.check_mode

    def build_client(self, pool_size=10):
        params = self.params
        return MetaStudioClient(
            project_id=params["project_id"],
            auth=select_auth(params),
            region=params["region"],
            endpoint=params["endpoint"],
            app_user_id=params["app_user_id"],
            validate_certs=params["validate_certs"],
            ca_path=params["ca_path"],
            timeout=params["timeout"],
            retries=params["retries"],
            rate_limit=params["rate_limit"],
            pool_size=pool_size,
        )

    def validate(self):
        """Check module options before any request; raise InvalidInputError when they are wrong."""

    def run(self):
        raise NotImplementedError

    def request_ids(self):
        return list(self.client.request_ids) if self.client else []

    def fail(self, error, **extra):
        result = error.to_result()
        result.update(extra)
        result["request_ids"] = self.request_ids()
        self.ansible.fail_json(**result)

    def __call__(self):
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        try:
            self.validate()
            self.client = self.build_client()
            result = self.run()
            result["request_ids"] = self.request_ids()
            self.ansible.exit_json(**result)
        except MetaStudioError as error:
            self.fail(error, **error.result)
        finally:
            if self.client:
                self.client.close()
