# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Makefile's own promises: `make help` lists every target and variable it documents."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAKEFILE = os.path.join(ROOT, "Makefile")


def makefile_lines():
    with open(MAKEFILE) as handle:
        return handle.read().splitlines()


def make_help():
    return subprocess.run(["make", "--no-print-directory", "-C", ROOT, "help"], check=True, universal_newlines=True,
                          stdout=subprocess.PIPE).stdout


def test_every_target_has_a_description_in_make_help():
    targets = [match.group(1) for match in (re.match(r"^([a-z][a-z0-9-]*):(?!=)", line) for line in makefile_lines()) if match]
    assert len(targets) > 10
    help_lines = make_help().splitlines()
    for target in targets:
        described = [line for line in help_lines if re.match(r"^  %s +\S" % re.escape(target), line)]
        assert described, "make help does not describe the target %s" % target


def test_every_variable_a_user_may_set_is_in_make_help():
    variables = [match.group(1) for match in (re.match(r"^([A-Z_]+) \?=", line) for line in makefile_lines()) if match]
    assert variables
    output = make_help()
    for variable in variables:
        assert re.search(r"^  %s +\S" % variable, output, re.M), "make help does not describe %s" % variable


def test_requires_ansible_names_exactly_the_oldest_ansible_core_tested():
    versions = [re.match(r"^ANSIBLE_CORE_VERSIONS \?= ([0-9. ]+?) *##", line) for line in makefile_lines()]
    tested = [match.group(1).split() for match in versions if match][0]
    oldest = sorted(tested, key=lambda version: tuple(int(part) for part in version.split(".")))[0]
    with open(os.path.join(ROOT, "meta", "runtime.yml")) as handle:
        runtime = handle.read()
    assert re.search(r'^requires_ansible: ">=%s"$' % re.escape(oldest), runtime, re.M), \
        "meta/runtime.yml's requires_ansible must be >=%s, the oldest ansible-core of ANSIBLE_CORE_VERSIONS" % oldest


def test_make_test_runs_every_ansible_test_stage_on_every_ansible_core_version():
    versions = [re.match(r"^ANSIBLE_CORE_VERSIONS \?= ([0-9. ]+?) *##", line) for line in makefile_lines()]
    tested = [match.group(1).split() for match in versions if match][0]
    planned = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "-n", "checks"], check=True, universal_newlines=True,
                             stdout=subprocess.PIPE).stdout
    stages = re.findall(r"timed\.sh \S+ (\S+) ", planned)
    for version in tested:
        for stage in ("sanity", "sanity-pythons", "units", "integration"):
            assert "%s@%s" % (stage, version) in stages, "make test would not run %s on ansible-core %s" % (stage, version)
    for stage in ("lint", "docs-lint", "galaxy-import", "build-check", "reliability", "awx", "bench-smoke", "emulator-tests"):
        assert stage in stages
