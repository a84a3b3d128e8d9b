# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make home-check: the proof that the checks write nothing into the home directory can fail."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def home_check(home):
    return subprocess.run(["make", "--no-print-directory", "-C", ROOT, "home-check", "CHECK_HOME=%s" % home],
                          universal_newlines=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def test_home_check_passes_on_an_empty_home(tmp_path):
    result = home_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote nothing into the home directory" in result.stdout


def test_home_check_names_what_a_tool_left_in_the_home(tmp_path):
    for leftover in (".huaweicloud/application_id", "antsibull.log", ".ansible/test/cache/get_pip_24_2.py"):
        path = tmp_path / leftover
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    result = home_check(tmp_path)
    assert result.returncode != 0
    for leftover in (".huaweicloud/application_id", "antsibull.log", ".ansible/test/cache"):
        assert str(tmp_path / leftover) in result.stderr


def test_the_checks_run_with_every_home_directory_setting_in_the_build_folder():
    output = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "-pn", "help"], universal_newlines=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=True).stdout
    build = os.path.join(ROOT, ".build")
    for variable in ("HOME", "ANSIBLE_HOME", "XDG_CACHE_HOME", "PIP_CACHE_DIR", "RUSTUP_HOME", "CARGO_HOME"):
        lines = [line for line in output.splitlines() if line.startswith("%s := " % variable)]
        assert lines and lines[-1].split(" := ", 1)[1].startswith(build), variable
