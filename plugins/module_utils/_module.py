# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Base class of the metastudio.cloud modules: the shared options, the transport, the one exit point.

Internal to the metastudio.cloud collection; may change in any release.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import MetaStudioError
from ansible_collections.metastudio.cloud.plugins.module_utils._options import OptionAdapter, connection_argument_spec
from ansible_collections.metastudio.cloud.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


class _SecretAwareModule(AnsibleModule):
    """AnsibleModule that learns, before it logs its invocation, which values inside free-form options are
    secret (such as the stream keys inside a command's params), so that they are masked there too."""

    def __init__(self, secrets_of, **kwargs):
        self._secrets_of = secrets_of
        super(_SecretAwareModule, self).__init__(**kwargs)

    def _log_invocation(self):
        self.no_log_values.update(value for value in self._secrets_of(self.params) if value)
        super(_SecretAwareModule, self)._log_invocation()


def wait_argument_spec():
    return dict(
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
        wait_sleep=dict(type="float", default=3),
    )


class MetaStudioModule(object):
    """Subclasses set argument_spec and module_kwargs, and implement validate() and run().

    run() returns the result dict; a result with ``failed`` true fails the task, ``warnings`` become
    Ansible warnings. Every MetaStudioError raised on the way fails the task with msg, status_code,
    error_code, error_msg and request_id. Either way the result carries every request id of the run.
    This class is the only place that calls exit_json or fail_json.
    """

    argument_spec = {}
    module_kwargs = {}
    wait_options = False

    def __init__(self):
        spec = connection_argument_spec()
        if self.wait_options:
            spec.update(wait_argument_spec())
        spec.update(self.argument_spec)
        self.ansible = _SecretAwareModule(self.secrets_in_params, argument_spec=spec, **self.module_kwargs)
        self.params = self.ansible.params
        self.options = OptionAdapter(self.params)
        self.transport = None

    @property
    def check_mode(self):
        return self.ansible.check_mode

    @property
    def diff_mode(self):
        return self.ansible._diff

    @staticmethod
    def secrets_in_params(params):
        """Secret values inside options that cannot be no_log as a whole; masked in every output."""
        return ()

    def pool_size(self):
        """How many connections the transport keeps; modules that work concurrently ask for more."""
        return 10

    def validate(self):
        """Check module options before any request; raise InvalidInputError when they are wrong."""

    def run(self):
        raise NotImplementedError

    def _outcome(self):
        # Secrets from the environment never passed through the argument spec: mask them too.
        self.ansible.no_log_values.update(self.options.secret_values())
        try:
            self.validate()
            self.transport = self.options.build_transport(pool_size=self.pool_size())
            return self.run()
        except MetaStudioError as error:
            return dict(error.to_result(), failed=True)
        finally:
            if self.transport:
                self.transport.close()

    def __call__(self):
        if not HAS_REQUESTS:
            self.ansible.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        result = self._outcome()
        for warning in result.pop("warnings", []):
            self.ansible.warn(warning)
        result["request_ids"] = list(self.transport.request_ids) if self.transport else []
        if result.pop("failed", False):
            self.ansible.fail_json(**result)
        self.ansible.exit_json(**result)
