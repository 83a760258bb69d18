#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Live-mode tests for falcoc-run (see CMakeLists.txt here for the list).
#   run_live.sh TEST FALCOC_RUN FALCOC PROCFS_CHECK BPF_COUNT SRC_DIR WORK_DIR
# Exit 0 pass, 1 fail, 77 skipped (not root, no BTF, no clang, no probe).
set -u
t=$1 run=$2 falcoc=$3 pcheck=$4 bcount=$5 src=$6 work=$7/live-$1
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
cd "$work" || exit 1
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
skip() { echo "SKIP: $*"; exit 77; }
need_root() {
	[ "$(id -u)" = 0 ] || skip "live tests need root (loading BPF)"
	[ -r /sys/kernel/btf/vmlinux ] || skip "no BTF (/sys/kernel/btf/vmlinux)"
}
# the alert lines of a text output, without the local time
alerts() { sed -E 's/^[0-9:.]+: //' "$1"; }

# Run falcoc-run with a probe and CMD; keep stdout/stderr in NAME.out/.err.
live() {
	local name=$1
	shift
	"$run" "$@" >"$name.out" 2>"$name.err"
	echo $? >"$name.rc"
}

cat_cmd='cat /etc/shadow /etc/hosts >/dev/null'
check_probe() { # probe.o label: exact alerts, json, stats, -w, signals, leaks
	local p=$1 l=$2 mark after
	# falcoc's objects created from here on must all be gone at the end
	mark=$("$bcount" --mark)
	# alerts to -o FILE: CMD's own output goes to falcoc-run's stdout
	live "$l.text" -o "$l.alerts" "$p" -- sh -c "exec $cat_cmd"
	[ "$(cat $l.text.rc)" = 0 ] || fail "$l: exit $(cat $l.text.rc): $(cat $l.text.err)"
	grep -q '^falcoc-run: ready$' "$l.text.err" || fail "$l: no 'falcoc-run: ready' on stderr"
	grep -q '^falcoc-run: sh exited with status 0$' "$l.text.err" || fail "$l: CMD status not reported"
	alerts "$l.alerts" >"$l.got"
	printf '%s\n' \
		"Warning shadow opened (file=/etc/shadow proc=cat pname=falcoc-run uid=0)" \
		"Notice hosts opened (file=/etc/hosts proc=cat)" >"$l.want"
	diff -u "$l.want" "$l.got" || fail "$l: alert lines differ"
	# rule 2 is never flagged by the probe: userspace must not evaluate it
	grep -q "unflagged rule evaluated" "$l.alerts" && fail "$l: an unflagged rule was evaluated"

	# CMD's exit status is falcoc-run's
	live "$l.status" "$p" -- sh -c 'exit 7'
	[ "$(cat $l.status.rc)" = 7 ] || fail "$l: -- CMD exit 7 gave $(cat $l.status.rc)"

	# --json -o FILE --stats FILE -w FILE.scap
	live "$l.json" --json -o "$l.alerts.json" --stats "$l.stats.json" -w "$l.scap" "$p" -- sh -c 'exec cat /etc/shadow >/dev/null'
	[ "$(cat $l.json.rc)" = 0 ] || fail "$l: --json run exit $(cat $l.json.rc): $(cat $l.json.err)"
	python3 - "$l.alerts.json" "$l.stats.json" <<'PY' || fail "$l: JSON alerts or stats shape"
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert len(alerts) == 1, alerts
a = alerts[0]
assert sorted(a) == ["hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"], sorted(a)
assert a["rule"] == "mini shadow" and a["priority"] == "Warning" and a["source"] == "syscall", a
assert a["output_fields"]["fd.name"] == "/etc/shadow" and a["output_fields"]["proc.name"] == "cat", a
assert a["tags"] == ["files", "mini"] or a["tags"] == ["mini", "files"], a["tags"]
s = json.load(open(sys.argv[2]))
for k in ("events_received", "events_dropped", "alerts", "events_by_type", "kernel", "drops"):
    assert k in s, k
assert s["alerts"] == 1 and s["events_received"] >= 1, s
assert s["events_by_type"].get("openat", 0) >= 1, s["events_by_type"]
for k in ("seen", "filtered", "sent", "ring_full", "truncated"):
    assert isinstance(s["kernel"][k], int), k
assert s["kernel"]["available"] is True and s["kernel"]["sent"] >= s["events_received"] - s["drops"]["undecodable"], s
assert s["events_dropped"] == s["drops"]["ring_full"] + s["drops"]["truncated"] + s["drops"]["undecodable"] + s["drops"]["no_extensions"], s
assert s["cmd_exit_status"] == 0, s
PY
	if command -v sysdig >/dev/null; then
		# evt.arg.name, not fd.name: the mini probe sends no clone or
		# execve, so the capture does not know CMD's process
		sysdig -r "$l.scap" -p '%evt.type %evt.arg.name' 'evt.type=openat and evt.arg.name=/etc/shadow' \
			>"$l.sysdig" 2>&1 || fail "$l: sysdig -r failed: $(head -3 $l.sysdig)"
		grep -qx 'openat /etc/shadow' "$l.sysdig" || fail "$l: sysdig does not see the openat: $(head -3 $l.sysdig)"
		"$run" --replay "$l.scap" --filter 'evt.type=openat and evt.arg.name=/etc/shadow' \
			--print '%evt.type %evt.arg.name' >"$l.replay" 2>&1
		grep -qx 'openat /etc/shadow' "$l.replay" || fail "$l: replay of -w capture: $(head -3 $l.replay)"
	else
		echo "note: sysdig not installed, -w capture not cross-checked"
	fi

	# --disable-rule / --disable-tag act at load time
	live "$l.dis" --disable-rule "mini shadow" "$p" -- sh -c "exec $cat_cmd"
	grep -q "shadow opened" "$l.dis.out" && fail "$l: --disable-rule ignored"
	grep -q "hosts opened" "$l.dis.out" || fail "$l: --disable-rule disabled too much"
	live "$l.tag" --disable-tag files "$p" -- sh -c "exec $cat_cmd"
	grep -q "shadow opened" "$l.tag.out" && fail "$l: --disable-tag ignored"

	# SIGINT: drain, detach, exit 0
	"$run" "$p" >"$l.sig.out" 2>"$l.sig.err" &
	local pid=$!
	for _ in $(seq 100); do grep -q ready "$l.sig.err" && break; sleep 0.1; done
	grep -q ready "$l.sig.err" || fail "$l: never ready: $(cat $l.sig.err)"
	kill -INT $pid
	wait $pid
	local rc=$?
	[ $rc = 0 ] || fail "$l: SIGINT exit $rc: $(cat $l.sig.err)"
	# the kernel frees programs asynchronously after the last close
	for _ in $(seq 30); do
		after=$("$bcount" $mark)
		[ "$after" = "progs 0 links 0" ] && break
		sleep 0.1
	done
	[ "$after" = "progs 0 links 0" ] || fail "$l: BPF objects left behind: $after"
}

case $t in
procfs)
	"$pcheck" self || fail "procfs self check"
	# a few processes: pid, ppid, uid, comm as ps sees them
	"$pcheck" dump | sort -n >procfs.dump || fail "procfs dump"
	ps -e -o pid=,ppid=,uid=,comm= | awk '{print $1, $2, $3, $4}' | sort -n >ps.dump
	# compare processes present in both (processes come and go)
	join -j1 <(awk '{print $1, $2 "_" $3 "_" $4}' procfs.dump | sort -k1,1) \
		<(awk '{print $1, $2 "_" $3 "_" $4}' ps.dump | sort -k1,1) >both.txt
	n=$(wc -l <both.txt)
	[ "$n" -ge 3 ] || fail "procfs: fewer than 3 processes in common with ps ($n)"
	# kernel workers rename themselves as they go: ids only for them
	awk '{ split($2, a, "_"); split($3, b, "_");
	       if (a[1] == 2 || $1 == 2) { if (a[1] != b[1] || a[2] != b[2]) print } else if ($2 != $3) print }' \
		both.txt >diff.txt
	# ps cuts comm at 15 characters like the kernel: equal when both agree
	[ -s diff.txt ] && fail "procfs differs from ps: $(head -5 diff.txt)"
	;;
reject)
	need_root
	command -v clang >/dev/null || skip "no clang"
	cat >triv.bpf.c <<'C'
#define SEC(n) __attribute__((section(n), used))
SEC("tracepoint/syscalls/sys_enter_openat") int t(void *ctx) { return 0; }
char LICENSE[] SEC("license") = "GPL";
C
	clang -O2 -target bpf -c triv.bpf.c -o triv.o || skip "clang cannot target bpf"
	live reject triv.o
	[ "$(cat reject.rc)" = 2 ] || fail "non-falcoc object: exit $(cat reject.rc), want 2"
	grep -q "triv.o: not a falcoc probe" reject.err || fail "message: $(cat reject.err)"
	live notelf /etc/hostname
	[ "$(cat notelf.rc)" = 2 ] && grep -q "not a falcoc probe" notelf.err || fail "non-ELF: $(cat notelf.err)"
	live missing does-not-exist.o
	[ "$(cat missing.rc)" = 2 ] || fail "missing file: exit $(cat missing.rc)"
	FALCOC_RUN_BTF=/nonexistent "$run" triv.o >nobtf.out 2>nobtf.err
	[ $? = 2 ] && grep -q "no BTF" nobtf.err || fail "no-BTF message: $(cat nobtf.err)"
	;;
unpriv)
	need_root
	if command -v setpriv >/dev/null; then
		as_nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all)
	elif command -v runuser >/dev/null; then
		as_nobody=(runuser -u nobody --)
	else
		skip "neither setpriv nor runuser"
	fi
	"${as_nobody[@]}" "$run" /dev/null >unpriv.out 2>unpriv.err
	rc=$?
	[ $rc = 2 ] || fail "unprivileged: exit $rc, want 2"
	grep -qx "falcoc-run: loading BPF needs root or CAP_BPF+CAP_PERFMON" unpriv.err ||
		fail "unprivileged message: $(cat unpriv.err)"
	;;
mini)
	need_root
	command -v clang >/dev/null || skip "no clang"
	clang -O2 -g -target bpf -D__TARGET_ARCH_x86 -I"$src/bpf-templates" \
		-c "$here/mini_probe.bpf.c" -o mini.o || fail "mini probe does not compile"
	[ -f mini.o ] && check_probe mini.o mini
	;;
e2e)
	need_root
	cat >rules.yaml <<'Y'
- rule: mini shadow
  desc: a process opened /etc/shadow
  condition: evt.type = openat and fd.name = /etc/shadow and proc.name = cat
  output: shadow opened (file=%fd.name proc=%proc.name pname=%proc.pname uid=%user.uid)
  priority: WARNING
  tags: [mini, files]
- rule: mini hosts
  desc: a process opened /etc/hosts
  condition: evt.type = openat and fd.name = /etc/hosts and proc.name = cat
  output: hosts opened (file=%fd.name proc=%proc.name)
  priority: NOTICE
  tags: [mini]
Y
	"$falcoc" rules.yaml -o probe.o >falcoc.out 2>&1 || skip "falcoc cannot compile a probe yet: $(head -2 falcoc.out)"
	[ -f probe.o ] || skip "falcoc wrote no probe.o"
	check_probe probe.o e2e
	;;
*)
	echo "unknown test $t"
	exit 2
	;;
esac
[ $fails = 0 ] && echo "live.$t: ok"
[ $fails = 0 ]
