#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Shell Spawned by Python Web Application"
# usage: python_web_shell.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	py=$(fc_python)
	"$py" -c 'import os; os.system("/bin/sh -c true")' -m http.server 8000
}

nearmiss() {
	py=$(fc_python)
	"$py" -c 'import os; os.system("/bin/sh -c true")' setup.py build
}

"$MODE"
