# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local emulator of the Huawei Cloud MetaStudio smart-live API, IAM tokens and the API gateway."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

from .emulator import Emulator

__all__ = ["Emulator"]
