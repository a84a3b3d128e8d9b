# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):
    # Endpoint, TLS, timeout and retry options shared by every metastudio.cloud module.
    DOCUMENTATION = r'''
options:
  region:
    description:
      - Huawei Cloud region of the MetaStudio service, for example V(cn-north-4).
      - The endpoint is then C(https://metastudio.<region>.myhuaweicloud.com).
      - If not set, the environment variable E(HW_REGION_NAME) is used, and then V(cn-north-4).
    type: str
  endpoint:
    description:
      - Base URL of the MetaStudio API, overriding O(region), for private endpoints or a local emulator.
      - Only a scheme, a host and an optional port, for example V(https://metastudio.cn-north-4.myhuaweicloud.com).
      - If not set, the environment variable E(HW_METASTUDIO_ENDPOINT) is used.
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of the endpoint. Only set to V(false) on trusted test networks.
    type: bool
    default: true
  ca_path:
    description:
      - Path of a PEM bundle of CA certificates to verify the endpoint with, instead of the system bundle.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP call to connect and to answer (more than 0, at most 3600).
      - This bounds one call. Waiting for jobs to end has a timeout of its own, C(wait_timeout), in the modules that wait.
    type: float
    default: 30
  retries:
    description:
      - How many times a call is retried after HTTP 429, 500, 502, 503 or 504, a connection error or a timeout
        (0 to 100). Retries back off exponentially with jitter and honour C(Retry-After).
      - Stopping a job is safe to retry.
    type: int
    default: 5
  rate_limit:
    description:
      - Most calls per second that the module sends to each API, across all its concurrent requests
        (0 for no limit). The default is the API gateway's default limit.
      - When the gateway answers HTTP 429 (C(APIG.0308)), all requests to that API pause together and the
        rate is lowered, then raised again step by step.
    type: float
    default: 200
notes:
  - Proxies set in the environment (E(HTTPS_PROXY), E(HTTP_PROXY), E(NO_PROXY)) are used.
  - The modules run where the task runs. For C(localhost) tasks, use an interpreter that has C(requests),
    for example by setting C(ansible_python_interpreter).
'''
