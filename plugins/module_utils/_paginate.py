# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Offset/limit pagination as the MetaStudio list APIs do it.

Internal to the metastudio.cloud collection; may change in any release. Free of Ansible.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


def _count(page):
    try:
        return int(page.get("count") or 0)
    except (TypeError, ValueError):
        return 0


def iter_pages(fetch, items_key, page_size=100):
    """(items, request_id) of each page that ``fetch(offset, limit)`` returns, until the count is reached
    or a page comes back empty."""
    offset = 0
    while True:
        response = fetch(offset, page_size)
        page = response.body or {}
        items = page.get(items_key) or []
        yield items, response.request_id
        offset += len(items)
        if not items or offset >= _count(page):
            return
