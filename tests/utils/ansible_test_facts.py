# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Print what the installed ansible-test supports, as shell assignments, for tests/utils/ansible-test-stage.sh.

Run with the Python of a virtual environment that holds one ansible-core version, with the collection's
tests/config.yml as argument: controller_pythons, claimed_pythons (the Pythons this ansible-test tests modules
on, as python_requires in tests/config.yml selects them, read the way ansible-test reads it) and pip_version
(the pip that it bootstraps into its virtual environments, whose bootstrap script it looks for in its cache).
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import sys

import yaml

from ansible_test._internal.content_config import parse_python_requires
from ansible_test._util.target.common import constants


def bootstrap_pip_version():
    import ansible_test
    source = os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py")
    with open(source) as handle:
        match = re.search(r"default_packages = dict\(\s*pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit("cannot tell which pip this ansible-test bootstraps (%s changed)" % source)
    return match.group(1)


def claimed_pythons(config_path):
    with open(config_path) as handle:
        config = yaml.safe_load(handle) or {}
    return parse_python_requires(config.get("modules", {}).get("python_requires", "default"))


def main():
    print("controller_pythons='%s'" % " ".join(constants.CONTROLLER_PYTHON_VERSIONS))
    print("claimed_pythons='%s'" % " ".join(claimed_pythons(sys.argv[1])))
    print("pip_version='%s'" % bootstrap_pip_version())


if __name__ == "__main__":
    main()
