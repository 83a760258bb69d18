#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hardening.lifecycle: SIGINT, SIGTERM and SIGKILL of falcoc-run.
#   lifecycle.sh FALCOC FALCOC_RUN STORM SRC_DIR WORK_DIR
# For each signal: while it runs, the BPF programs, maps and links it
# holds are read from /proc/PID/fdinfo (prog_id, map_id, link_id), so
# other runtimes on the machine do not disturb the test; after the
# signal none of these ids may exist any more (bpftool ... show id N
# fails), and a second runtime must start at once and alert. Each
# signal arrives during a storm of opens, so SIGINT/SIGTERM must drain
# a busy ring and still exit 0.
. "$(dirname "$0")/common.sh"
need_bpf
command -v bpftool >/dev/null || skip "no bpftool"
storm_probe

# ids PID: "prog N", "map N", "link N" lines for the BPF objects the
# process holds open (a link's fdinfo also names its program: not a
# separate object, skipped)
ids() {
	local f
	for f in /proc/"$1"/fdinfo/*; do
		awk '/^link_id:/ { print "link", $2; exit }
		     /^prog_id:/ { p = $2 } /^map_id:/ { m = $2 }
		     END { }' "$f" 2>/dev/null
		if ! grep -q '^link_id:' "$f" 2>/dev/null; then
			sed -n 's/^prog_id:[[:space:]]*/prog /p; s/^map_id:[[:space:]]*/map /p' "$f" 2>/dev/null
		fi
	done | sort -u
}
alive() { bpftool "$1" show id "$2" >/dev/null 2>&1; }

for sig in INT TERM KILL; do
	start "rt-$sig" -o "rt-$sig.alerts" storm.o || continue
	ids "$pid" >"ids-$sig"
	for kind in prog map link; do
		grep -q "^$kind " "ids-$sig" || fail "$sig: no BPF $kind found in /proc/$pid/fdinfo"
	done
	# the objects are live while it runs
	read -r kind id < <(grep '^prog ' "ids-$sig")
	[ -n "${id:-}" ] && { alive prog "$id" || fail "$sig: prog $id not visible to bpftool"; }
	# the signal lands in the middle of a storm: the drain must still end
	"$storm" /tmp/fc_storm/life-$$ 0 1 >/dev/null &
	spid=$!
	sleep 0.3
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	wait "$spid"
	case $sig in
	KILL) [ $rc = 137 ] || fail "SIGKILL: exit $rc, want 137" ;;
	*) [ $rc = 0 ] || fail "SIG$sig: exit $rc, want 0: $(tail -3 "rt-$sig.err")" ;;
	esac
	# the kernel frees them asynchronously after the last reference
	left=
	for _ in $(seq 50); do
		left=$(while read -r kind id; do alive "$kind" "$id" && echo "$kind $id"; done <"ids-$sig")
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "SIG$sig: still in the kernel after exit: $(echo $left)"
	echo "SIG$sig: exit $rc, $(wc -l <"ids-$sig") BPF objects held, none left"

	# a second runtime starts at once and works
	start "again-$sig" -o "again-$sig.alerts" storm.o || continue
	marker=/tmp/fc_storm/life-$sig-$$
	: >"$marker"
	wait_for "again-$sig.alerts" "file=$marker " 10 || fail "SIG$sig: the second runtime does not alert"
	kill -INT "$pid"
	wait "$pid" || fail "SIG$sig: the second runtime: exit $?"
	rm -f "$marker"
done
rm -f rt-*.alerts /tmp/fc_storm/life-$$ # tens of MB of storm alerts
finish
