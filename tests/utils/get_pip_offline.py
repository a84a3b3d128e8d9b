# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Offline stand-in for the pip bootstrap script that ansible-test downloads for its virtual environments.

The download host is not reachable from every build machine, while PyPI is. ansible-test looks for a cached
copy first, so the Makefile places this file there when none is cached: pip comes from the interpreter's own
ensurepip, then the packages ansible-test asked for are installed from the package index.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import ensurepip
import os
import subprocess
import sys

# Options of the real bootstrap script that plain pip does not know.
BOOTSTRAP_ONLY_OPTIONS = ("--no-setuptools", "--no-wheel")


def main():
    pip_arguments = [argument for argument in sys.argv[1:] if argument not in BOOTSTRAP_ONLY_OPTIONS]
    ensurepip.bootstrap(upgrade=True)
    # ensurepip hides the machine's pip configuration (index, CA bundle); the real install needs it back.
    for name in ("PIP_CONFIG_FILE", "ENSUREPIP_OPTIONS"):
        os.environ.pop(name, None)
    sys.exit(subprocess.call([sys.executable, "-m", "pip", "install", "--upgrade"] + pip_arguments))


if __name__ == "__main__":
    main()
