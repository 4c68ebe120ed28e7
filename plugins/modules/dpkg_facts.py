#!/usr/bin/python
# Copyright: hobbynet contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: dpkg_facts
short_description: The installed Debian packages as ansible_facts.packages, read with dpkg-query
version_added: 0.2.0
author: hobbynet contributors (@hobbynet)
description:
  - Sets C(ansible_facts.packages) in the shape of M(ansible.builtin.package_facts) with
    C(manager=apt) (a list of C(name), C(version), C(arch), C(source) per package name), for the
    packages dpkg has fully installed (status C(ii)).
  - One C(dpkg-query) call, a few milliseconds, where M(ansible.builtin.package_facts) loads the
    whole APT cache with python3-apt (seconds on a small host). The roles of this collection read
    the packages once per play with it and share the result.
options: {}
attributes:
  check_mode:
    description: Reads only.
    support: full
  diff_mode:
    description: Not supported.
    support: none
  facts:
    description: Sets C(ansible_facts.packages).
    support: full
seealso:
  - module: ansible.builtin.package_facts
"""

EXAMPLES = r"""
- name: Read the installed packages
  hobbynet.infra.dpkg_facts:
  when: ansible_facts['packages'] is not defined
"""

RETURN = r"""
ansible_facts:
  description: C(packages), as M(ansible.builtin.package_facts) returns it.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

FORMAT = "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n"


def parse(text):
    """{name: [{name, version, arch, source}]} of the lines dpkg-query printed with FORMAT."""
    packages = {}
    for line in text.splitlines():
        fields = line.split("\t")
        if len(fields) != 4 or fields[0].strip() != "ii":
            continue
        _status, name, version, arch = fields
        packages.setdefault(name, []).append(
            dict(name=name, version=version, arch=arch, source="apt")
        )
    return packages


def main():
    module = AnsibleModule(argument_spec={}, supports_check_mode=True)
    rc, out, err = module.run_command(["dpkg-query", "--show", "--showformat=" + FORMAT])
    if rc != 0:
        module.fail_json(msg=f"dpkg-query failed (rc {rc}): {err.strip()}")
    module.exit_json(changed=False, ansible_facts=dict(packages=parse(out)))


if __name__ == "__main__":
    main()
