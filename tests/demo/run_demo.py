# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run the demo playbook against the emulator that tests/utils/with-emulator.sh started.

The collection is used straight from this working tree, through a collections path that links to it, or
from the collections path in DEMO_COLLECTIONS_PATH.
"""

from __future__ import (absolute_import, division, print_function)
__metaclass__ = type

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def main():
    url = os.environ["METASTUDIO_EMULATOR_URL"]
    with open(os.path.join(HERE, "seed.json")) as seed_file:
        seed = json.load(seed_file)
    # An installed copy (the build check sets this) or, by default, this working tree through a link.
    collections = os.environ.get("DEMO_COLLECTIONS_PATH")
    if not collections:
        collections = os.path.join(ROOT, ".build", "demo-collections")
        namespace = os.path.join(collections, "ansible_collections", "metastudio")
        link = os.path.join(namespace, "cloud")
        if not os.path.isdir(namespace):
            os.makedirs(namespace)
        if not os.path.islink(link):
            os.symlink(ROOT, link)
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
        HW_METASTUDIO_ENDPOINT=url,
        HUAWEICLOUD_SDK_AK=seed["credentials"][0]["access_key"],
        HUAWEICLOUD_SDK_SK=seed["credentials"][0]["secret_key"],
        HUAWEICLOUD_SDK_PROJECT_ID=seed["projects"][0]["project_id"],
    )
    print("MetaStudio emulator at %s with %d jobs in %d rooms" % (url, len(seed["jobs"]), len(seed["rooms"])))
    # demo.yml, between the environment coming up and coming down.
    playbook = os.path.join(ROOT, "tests", "demo", "environment.yml")
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    extra_vars = json.dumps({"demo_job_count": len(seed["jobs"])})
    sys.exit(subprocess.call([ansible_playbook, playbook, "--extra-vars", extra_vars], env=env))


if __name__ == "__main__":
    main()
