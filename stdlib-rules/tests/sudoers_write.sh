#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# stdlib rule test: "Sudoers File Opened for Writing"
# usage: sudoers_write.sh trigger|nearmiss   (see lib/common.sh and manifest.tsv)
source "$(dirname "$0")/lib/common.sh"

trigger() {
	fc_need_root
	if [ -f /etc/sudoers ]; then
		# O_WRONLY without O_TRUNC/O_CREAT and no write: the file is unchanged
		"$(fc_helper_as fc_sudoers)" open_wronly /etc/sudoers
	elif [ -d /etc/sudoers.d ]; then
		f=/etc/sudoers.d/falcoc-test-$$
		fc_on_exit "rm -f $f"
		"$(fc_as fc_sudoers /bin/bash)" -c ": > $f"
	elif ! command -v sudo >/dev/null; then
		# no sudo installed: a temporary, empty sudoers.d is inert
		fc_on_exit "rmdir /etc/sudoers.d"
		mkdir /etc/sudoers.d
		f=/etc/sudoers.d/falcoc-test-$$
		fc_on_exit "rm -f $f"
		"$(fc_as fc_sudoers /bin/bash)" -c ": > $f"
	else
		fc_skip "sudo installed but neither /etc/sudoers nor /etc/sudoers.d"
	fi
}

nearmiss() {
	# the same write made by visudo (allowed), to a private copy
	mkdir -p "$T/etc"
	"$(fc_as visudo /bin/bash)" -c ": > $T/etc/sudoers"
	"$(fc_as fc_sudoers /bin/bash)" -c ": > $T/etc/sudoers"
}

"$MODE"
