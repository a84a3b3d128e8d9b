# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An execution environment with this collection, up to what can be done without a container engine.

``ansible-builder create`` writes the build context of an execution environment that installs the collection
from a tarball built from this working tree. The collection's Python requirements are found only while the image
is built: the galaxy stage installs the collections, then the builder stage runs ansible-builder's introspect
script over them. Both stages are replayed here with the files of the build context, so the test sees exactly the
requirements the image would get.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.path.dirname(sys.executable)
EE_META = os.path.join(ROOT, "meta", "execution-environment.yml")
# Names ansible-builder and certification never accept from a collection: the EE provides them.
FORBIDDEN = ("ansible", "ansible-core", "ansible-base", "ansible-runner")
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*?)\s*(#.*)?$")


def run(command, cwd=None):
    process = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             universal_newlines=True, check=False)
    assert process.returncode == 0, "%s failed:\n%s" % (" ".join(command), process.stdout)
    return process.stdout


def requirement_lines(path):
    with open(path) as handle:
        return [line.strip() for line in handle if line.strip() and not line.strip().startswith("#")]


def parse_requirement(line):
    match = REQUIREMENT.match(line)
    assert match, "not a requirement: %r" % line
    return match.group(1).lower().replace("_", "-"), match.group(3)


def working_tree_files():
    """Tracked and new, unignored files of the working tree, as `make collection` copies them."""
    try:
        listing = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git working tree")
    return [name for name in listing.decode("utf-8").split("\0") if name and os.path.isfile(os.path.join(ROOT, name))]


@pytest.fixture(scope="module", name="tarball")
def tarball_fixture(tmp_path_factory):
    """The collection artifact, built with ansible-galaxy from a copy of the working tree."""
    source = tmp_path_factory.mktemp("source")
    for name in working_tree_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(ROOT, name), str(target))
    dist = tmp_path_factory.mktemp("dist")
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(dist)], cwd=str(source))
    built = glob.glob(str(dist / "metastudio-cloud-*.tar.gz"))
    assert len(built) == 1, built
    return built[0]


def test_collection_metadata_names_lower_bounded_requirements():
    with open(EE_META) as handle:
        meta = yaml.safe_load(handle)
    python_file = meta["dependencies"]["python"]
    assert not os.path.isabs(python_file)
    lines = requirement_lines(os.path.join(ROOT, python_file))
    requirements = dict(parse_requirement(line) for line in lines)
    assert "requests" in requirements
    for name, spec in requirements.items():
        assert name not in FORBIDDEN, "%s must not be a collection requirement" % name
        assert not spec or re.match(r"^>=\s*[0-9][0-9.]*$", spec), "%s: only a lower bound is allowed, got %r" % (name, spec)
    # The root requirements.txt (for pip users) asks for no package the execution environment would miss.
    root = dict(parse_requirement(line) for line in requirement_lines(os.path.join(ROOT, "requirements.txt")))
    assert set(root) <= set(requirements)


def test_ansible_builder_context_installs_the_collection_and_its_requirements(tarball, tmp_path):
    tarball_name = os.path.basename(tarball)
    definition = {
        "version": 3,
        "images": {"base_image": {"name": "quay.io/ansible/awx-ee:latest"}},
        "dependencies": {
            "ansible_core": {"package_pip": "ansible-core>=2.16"},
            "ansible_runner": {"package_pip": "ansible-runner"},
            "galaxy": {"collections": [{"name": "collections/" + tarball_name, "type": "file"}]},
        },
        "additional_build_files": [{"src": tarball, "dest": "collections"}],
    }
    ee_file = tmp_path / "execution-environment.yml"
    ee_file.write_text(yaml.safe_dump(definition, sort_keys=False))
    context = tmp_path / "context"
    run([os.path.join(BIN, "ansible-builder"), "create", "--file", str(ee_file), "--context", str(context)])

    build = context / "_build"
    containerfiles = [path for path in (context / "Containerfile", context / "Dockerfile") if path.exists()]
    assert len(containerfiles) == 1
    containerfile = containerfiles[0].read_text()
    assert (build / "collections" / tarball_name).is_file()
    with open(str(build / "requirements.yml")) as handle:
        assert yaml.safe_load(handle)["collections"] == [{"name": "collections/" + tarball_name, "type": "file"}]
    # The image build copies _build to /build, installs the collections from there, then introspects them.
    assert "COPY _build /build" in containerfile and "WORKDIR /build" in containerfile
    install = re.search(r"ansible-galaxy collection install .*-r requirements\.yml", containerfile)
    assert install, containerfile
    assert re.search(r"introspect\.py introspect .*--write-pip=(\S+)", containerfile), containerfile

    # Galaxy stage, with the context's own requirements file, from the same working directory.
    collections = tmp_path / "usr-share-ansible" / "collections"
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "-r", "requirements.yml",
         "--collections-path", str(collections)], cwd=str(build))
    installed = collections / "ansible_collections" / "metastudio" / "cloud"
    assert (installed / "meta" / "execution-environment.yml").is_file()

    # Builder stage: the introspect script shipped in the context.
    introspect = str(build / "scripts" / "introspect.py")
    pip_file = tmp_path / "requirements.txt"
    output = run([sys.executable, introspect, "introspect", str(collections), "--write-pip=%s" % pip_file,
                  "--write-bindep=%s" % (tmp_path / "bindep.txt")])
    lines = requirement_lines(str(pip_file))
    expected = requirement_lines(os.path.join(ROOT, "meta", "ee-requirements.txt"))
    assert [line.split("#")[0].strip() for line in lines] == expected, output
    assert all(line.endswith("# from collection metastudio.cloud") for line in lines), lines
    assert any(parse_requirement(line)[0] == "requests" for line in lines)

    # The requirements come from meta/execution-environment.yml, not from the root requirements.txt fallback.
    spec = importlib.util.spec_from_file_location("ee_introspect", introspect)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.CollectionDefinition(str(installed)).get_dependency("python") == "meta/ee-requirements.txt"
