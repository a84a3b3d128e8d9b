# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Print what the installed ansible-test supports, as shell assignments, for tests/utils/ansible-test-stage.sh.

Run with the Python of a virtual environment that holds one ansible-core version:
controller_pythons, target_pythons (every Python it can test modules on) and pip_version (the pip that it
bootstraps into its virtual environments, whose bootstrap script it looks for in its cache).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re

from ansible_test._util.target.common import constants


def bootstrap_pip_version():
    import ansible_test
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source) as handle:
        match = re.search(r"default_packages = dict\(\s*pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit("cannot tell which pip this ansible-test bootstraps (%s changed)" % source)
    return match.group(1)


def main():
    controller = constants.CONTROLLER_PYTHON_VERSIONS
    print("controller_pythons='%s'" % " ".join(controller))
    print("target_pythons='%s'" % " ".join(constants.REMOTE_ONLY_PYTHON_VERSIONS + controller))
    print("pip_version='%s'" % bootstrap_pip_version())


if __name__ == "__main__":
    main()
