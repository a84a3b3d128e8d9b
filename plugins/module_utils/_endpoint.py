# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What may go into a URL: ids, endpoints and regions, checked before any request.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import re
from urllib.parse import urlsplit

from ansible_collections.metastudio.cloud.plugins.module_utils._errors import InvalidInputError

DEFAULT_REGION = "cn-north-4"
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
REGION_PATTERN = re.compile(r"^[a-z]{2,}(-[a-z0-9]+){1,4}$")


def validate_id(name, value):
    """Refuse ids that could change the URL; real ids are 32 hex characters."""
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise InvalidInputError(
            "%s %r is not a valid MetaStudio id: use 1 to 128 letters, digits, '-' or '_'" % (name, value))
    return value


def base_url(name, url, allowed_paths=("", "/")):
    """scheme://host[:port] of ``url``, refusing anything that could redirect or widen the calls."""
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:
        raise InvalidInputError("%s %r is not a valid URL" % (name, url))
    if parts.scheme not in ("http", "https") or not hostname:
        raise InvalidInputError("%s %r must be an http:// or https:// URL with a host name" % (name, url))
    if parts.path not in allowed_paths or parts.query or parts.fragment or "@" in parts.netloc:
        raise InvalidInputError("%s %r must hold only a scheme, a host and an optional port" % (name, url))
    try:
        parts.port
    except ValueError:
        raise InvalidInputError("%s %r has an invalid port" % (name, url))
    return "%s://%s" % (parts.scheme, parts.netloc)


def build_endpoint(region=None, endpoint=None):
    """The base URL: ``endpoint`` when given, else the public endpoint of ``region``."""
    if endpoint:
        return base_url("endpoint", endpoint)
    region = region or DEFAULT_REGION
    if not isinstance(region, str) or not REGION_PATTERN.fullmatch(region):
        raise InvalidInputError("region %r is not a valid Huawei Cloud region name such as cn-north-4" % region)
    domain = "myhuaweicloud.eu" if region.startswith("eu-west-1") else "myhuaweicloud.com"
    return "https://metastudio.%s.%s" % (region, domain)


def host_header(url):
    """The Host header for a base URL: its netloc, without a default port."""
    parts = urlsplit(url)
    default_port = {"https": 443, "http": 80}[parts.scheme]
    return parts.hostname if parts.port in (None, default_port) and ":" not in parts.hostname else parts.netloc
