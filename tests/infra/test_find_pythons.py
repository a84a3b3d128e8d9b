# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/utils/find-pythons.sh: interpreters found on PATH as a fresh machine has them, or a loud failure."""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIND_PYTHONS = os.path.join(ROOT, "tests", "utils", "find-pythons.sh")
# Versions no machine has, so that only the fake folders below can provide them.
FAKE = "3.77"


def run(path, link_dir, *versions):
    env = dict(os.environ, PATH=path)
    env.pop("PYENV_ROOT", None)
    env.pop("PYENV_VERSION", None)
    return subprocess.run(["bash", FIND_PYTHONS, str(link_dir)] + list(versions), env=env, universal_newlines=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def write_script(path, text):
    path.write_text(text)
    path.chmod(0o755)


def test_an_interpreter_on_path_is_linked(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, str(bin_dir / ("python" + FAKE)))
    result = run("%s:/usr/bin:/bin" % bin_dir, tmp_path / "links", FAKE)
    assert result.returncode == 0, result.stderr
    assert os.path.realpath(str(tmp_path / "links" / ("python" + FAKE))) == os.path.realpath(sys.executable)


def test_a_pyenv_shim_for_an_unselected_version_leads_to_the_pyenv_root_beside_it(tmp_path):
    """pyenv's shim fails for a version that is installed but not selected; its versions/ folder has it."""
    shims = tmp_path / "pyenv" / "shims"
    shims.mkdir(parents=True)
    write_script(shims / ("python" + FAKE), "#!/bin/sh\necho 'pyenv: python%s: command not found' >&2\nexit 127\n" % FAKE)
    installed = tmp_path / "pyenv" / "versions" / (FAKE + ".4") / "bin"
    installed.mkdir(parents=True)
    os.symlink(sys.executable, str(installed / ("python" + FAKE)))
    result = run("%s:/usr/bin:/bin" % shims, tmp_path / "links", FAKE)
    assert result.returncode == 0, result.stderr
    assert os.readlink(str(tmp_path / "links" / ("python" + FAKE))) == str(installed / ("python" + FAKE))


def test_a_missing_interpreter_fails_and_says_how_to_leave_it_out(tmp_path):
    result = run("/usr/bin:/bin", tmp_path / "links", FAKE)
    assert result.returncode == 1
    assert "no interpreter found on PATH for Python %s" % FAKE in result.stderr
    assert "SKIP_PYTHONS='%s'" % FAKE in result.stderr


def test_make_test_names_the_pythons_left_out_on_its_last_line():
    output = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "test-summary", "SKIP_PYTHONS=3.9"], check=True,
                            universal_newlines=True, stdout=subprocess.PIPE).stdout
    assert output.splitlines()[-1] == "make test: every check passed, but Python 3.9 was NOT tested (left out with SKIP_PYTHONS)"


def test_skipping_a_python_the_collection_does_not_claim_is_refused():
    result = subprocess.run(["make", "--no-print-directory", "-C", ROOT, "pythons", "SKIP_PYTHONS=3.8"],
                            universal_newlines=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)
    assert result.returncode != 0
    assert "SKIP_PYTHONS names 3.8" in result.stderr
