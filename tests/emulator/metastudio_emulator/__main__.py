# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python -m metastudio_emulator (from tests/emulator) runs the emulator."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import sys

from .cli import main

sys.exit(main())
