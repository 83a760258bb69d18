# SPDX-License-Identifier: Apache-2.0
# Sourced by every stdlib rule test: stdlib-rules/tests/<rule-id>.sh MODE
#   MODE = trigger   perform the behaviour the rule detects
#   MODE = nearmiss  perform a similar, legitimate behaviour (no alert)
# Exit 0 when done, 77 when a precondition is missing (skip), other
# values on set-up errors. Every script works in a private directory
# (mktemp -d, nested below /tmp so that running the helper from it is not
# "execution from /tmp") and removes all it created on exit.
set -euo pipefail

FC_TESTS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MODE=${1:-}
case "$MODE" in trigger | nearmiss) ;; *)
	echo "usage: $0 trigger|nearmiss" >&2
	exit 2
	;;
esac

T=$(mktemp -d /tmp/falcoc-stdlib.XXXXXX)
FC_CLEANUP=()
fc_cleanup() {
	local i
	for ((i = ${#FC_CLEANUP[@]} - 1; i >= 0; i--)); do
		eval "${FC_CLEANUP[$i]}" >/dev/null 2>&1 || true
	done
	rm -rf "$T"
}
trap fc_cleanup EXIT

# fc_on_exit 'shell command': run at exit, last registered first.
fc_on_exit() { FC_CLEANUP+=("$1"); }

fc_skip() {
	echo "SKIP: $*"
	exit 77
}

fc_need_root() { [ "$(id -u)" = 0 ] || fc_skip "needs root"; }

# fc_helper: build tests/lib/fc_trigger.c once into $T; prints its path.
fc_helper() {
	if [ ! -x "$T/fc_trigger" ]; then
		command -v cc >/dev/null || fc_skip "no C compiler"
		cc -O1 -o "$T/fc_trigger" "$FC_TESTS/lib/fc_trigger.c" || fc_skip "cannot build fc_trigger"
	fi
	echo "$T/fc_trigger"
}

# fc_as NAME TARGET: a symlink $T/bin/NAME -> TARGET, so the program runs
# with comm NAME. Prints the symlink path.
fc_as() {
	mkdir -p "$T/bin"
	ln -sf "$2" "$T/bin/$1"
	echo "$T/bin/$1"
}

# fc_helper_as NAME: the trigger helper under the process name NAME.
fc_helper_as() { fc_as "$1" "$(fc_helper)"; }

# A real python3 interpreter (not a pyenv shim script).
fc_python() {
	command -v python3 >/dev/null || fc_skip "no python3"
	python3 -c 'import sys; print(sys.executable)'
}
