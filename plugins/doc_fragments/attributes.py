# -*- coding: utf-8 -*-
# Copyright: metastudio.cloud contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type


class ModuleDocFragment(object):
    # The attributes every module of the collection shares: its action group, and where it runs. Used beside
    # ansible.builtin.action_common_attributes, which describes check_mode, diff_mode and platform.
    DOCUMENTATION = r'''
attributes:
  action_group:
    description:
      - Part of the action group C(metastudio.cloud.metastudio), so C(module_defaults) for
        C(group/metastudio.cloud.metastudio) set the connection options of every module at once.
    support: full
    membership:
      - metastudio.cloud.metastudio
  platform:
    platforms: all
'''
