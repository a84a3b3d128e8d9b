# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):
    # Authentication options shared by every metastudio.cloud module.
    DOCUMENTATION = r'''
options:
  access_key:
    description:
      - Access key ID (AK) of a Huawei Cloud IAM user, used to sign each request with C(SDK-HMAC-SHA256).
      - With O(secret_key), one of the three ways to authenticate; the others are O(auth_token) and O(iam_username).
      - If not set, the environment variable E(HUAWEICLOUD_SDK_AK) is used, then E(HW_ACCESS_KEY).
    type: str
    aliases: [ak]
  secret_key:
    description:
      - Secret access key (SK) that goes with O(access_key). It is never sent, only used to sign.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_SK) is used, then E(HW_SECRET_KEY).
    type: str
    aliases: [sk]
  security_token:
    description:
      - Security token of temporary access keys, sent as C(X-Security-Token) and signed with the request.
      - Only with O(access_key) and O(secret_key) that are temporary.
      - If not set, the environment variable E(HUAWEICLOUD_SDK_SECURITY_TOKEN) is used, then E(HW_SECURITY_TOKEN).
    type: str
  auth_token:
    description:
      - An IAM token scoped to O(project_id), sent as C(X-Auth-Token) instead of signing requests.
      - Mutually exclusive with O(access_key) and O(secret_key).
      - If not set, the environment variable E(HW_AUTH_TOKEN) is used.
    type: str
  iam_username:
    description:
      - Name of an IAM user whose password is exchanged for a token scoped to O(project_id), once per task.
      - With O(iam_password) and O(iam_domain_name), the third way to authenticate.
      - If not set, the environment variable E(HW_USER_NAME) is used.
    type: str
  iam_password:
    description:
      - Password of O(iam_username).
      - If not set, the environment variable E(HW_USER_PASSWORD) is used.
    type: str
  iam_domain_name:
    description:
      - Account (domain) name that O(iam_username) belongs to.
      - On its own, without O(iam_username) or O(iam_password), it does not select IAM login.
      - If not set, the environment variable E(HW_DOMAIN_NAME) is used.
    type: str
  iam_endpoint:
    description:
      - Base URL of the IAM service that issues tokens for O(iam_username), for example
        V(https://iam.cn-north-4.myhuaweicloud.com). A trailing V(/v3) is accepted.
      - If not set, the environment variable E(HW_AUTH_URL) is used, and then V(https://iam.myhuaweicloud.com).
      - When a call is refused because the token expired, a new token is fetched once and the call is retried.
    type: str
  project_id:
    description:
      - ID of the Huawei Cloud project that owns the live rooms and jobs.
      - Required. If not set, the environment variable E(HUAWEICLOUD_SDK_PROJECT_ID) is used, then E(HW_PROJECT_ID).
    type: str
  app_user_id:
    description:
      - Third-party user ID sent as the C(X-App-UserId) header, for accounts that start jobs on behalf of their own users.
      - Printable ASCII only.
    type: str
notes:
  - "Which authentication method is used: when the task gives any of O(access_key), O(secret_key),
    O(security_token), O(auth_token), O(iam_username) or O(iam_password), the method is taken from the
    task alone, and the task must give exactly one (access keys, optionally with O(security_token); or
    O(auth_token); or O(iam_username) and O(iam_password)). Otherwise it comes from the environment, where
    access keys (E(HUAWEICLOUD_SDK_AK)/E(HUAWEICLOUD_SDK_SK), then E(HW_ACCESS_KEY)/E(HW_SECRET_KEY)) come
    first, then E(HW_AUTH_TOKEN), then E(HW_USER_NAME)/E(HW_USER_PASSWORD)."
  - Each value of the method chosen is the one given in the task, else that of its environment variable. A
    security token goes with the secret key it was issued for, so it comes from where O(secret_key) came from,
    unless the task gives one.
  - Every other option given in the task wins over its environment variables.
  - Secrets (O(secret_key), O(security_token), O(auth_token), O(iam_password)) are never logged or returned,
    whether they are given in the task or taken from the environment.
'''
