#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# hardening.storm: a syscall storm overflows the ring buffers.
#   storm.sh FALCOC FALCOC_RUN STORM SRC_DIR WORK_DIR
# falcoc-run (storm rule: every open under /tmp/fc_storm/ alerts) is
# stopped with SIGSTOP while an unpaced storm runs, so the 8 MiB rings
# must overflow whatever the machine's speed; then it is continued while
# a second storm runs. Checks: it keeps running; the periodic stats line
# (--stats-interval) shows the ring-full drops while it runs; an alert
# after the storm still arrives (recovery); on SIGINT it exits 0 and
# reports the drops on stderr and in --stats, and no open is lost
# silently: every storm open is an alert or a counted drop.
. "$(dirname "$0")/common.sh"
need_bpf
storm_probe
# a path of our own: another storm on the machine must not count here
target=/tmp/fc_storm/s-$$

start rt --stats-interval 0.5 --stats st.json -o alerts.txt storm.o || finish
# the first storm with the consumer stopped: nothing drains the rings
kill -STOP "$pid"
"$storm" "$target" 0 1.5 >storm1.out || fail "storm generator: $(cat storm1.out)"
kill -CONT "$pid"
# the second while it runs: it may or may not keep up, both are fine
"$storm" "$target" 0 1.5 >storm2.out || fail "storm generator: $(cat storm2.out)"
kill -0 "$pid" 2>/dev/null || fail "falcoc-run died during the storm: $(tail -5 rt.err)"

# the periodic line reports the drops while it runs
wait_for rt.err 'falcoc-run: stats: .*ring full [1-9]' 10 ||
	fail "no stats line with ring-full drops: $(grep stats: rt.err | tail -3)"

# recovery: an alert after the storm arrives. The rings may still be full
# when the storm ends (a slow consumer, a sanitizer build, a loaded
# machine): an open made then is a counted drop, not a failure. So open a
# fresh marker every second until one alerts, for up to 60 s.
marker=
for i in $(seq 60); do
	m=/tmp/fc_storm/marker-$$-$i
	: >"$m"
	cat "$m"
	if wait_for alerts.txt "file=$m " 1; then
		marker=$m
		break
	fi
done
[ -n "$marker" ] || fail "no alert after the storm in 60 s (markers /tmp/fc_storm/marker-$$-*)"
kill -0 "$pid" 2>/dev/null || fail "falcoc-run died after the storm: $(tail -5 rt.err)"

kill -INT "$pid"
wait "$pid"
rc=$?
[ $rc = 0 ] || fail "SIGINT after the storm: exit $rc: $(tail -5 rt.err)"
grep -q '^falcoc-run: [0-9]* events, [0-9]* alerts; lost [1-9][0-9]* (ring full [1-9]' rt.err ||
	fail "no drop summary on exit: $(tail -3 rt.err)"

n1=$(sed -n 's/^storm: \([0-9]*\) opens.*/\1/p' storm1.out)
n2=$(sed -n 's/^storm: \([0-9]*\) opens.*/\1/p' storm2.out)
got=$(grep -c "^[0-9:.]*: Notice storm open (file=$target " alerts.txt)
bad=$(grep -vc '^[0-9:.]*: Notice storm open (file=/tmp/fc_storm/' alerts.txt)
[ "$bad" = 0 ] || fail "$bad alert lines that are not storm alerts (broken lines?)"
all=$(wc -l <alerts.txt)
python3 - st.json "${n1:-0}" "${n2:-0}" "$got" "$(grep 'falcoc-run: stats:' rt.err | tail -1)" "$all" <<'PY' || fail "stats: see above"
import json, sys
s = json.load(open(sys.argv[1]))
opens, alerts = int(sys.argv[2]) + int(sys.argv[3]), int(sys.argv[4])
k, d = s["kernel"], s["drops"]
print("storm: %d opens, %d alerts, %d events received, ring full %d, kernel sent %d" %
      (opens, alerts, s["events_received"], d["ring_full"], k["sent"]))
print("last stats line: " + sys.argv[5])
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL: " + msg)
        ok = False
check(k["available"], "kernel counters unreadable")
check(d["ring_full"] > 0 and d["ring_full"] == k["ring_full"], "ring_full drops: %r" % d)
check(s["events_dropped"] >= d["ring_full"], "events_dropped %d < ring_full" % s["events_dropped"])
check(alerts <= opens, "more storm alerts (%d) than opens (%d)" % (alerts, opens))
# every open is an alert or a counted drop (other events may be dropped
# too, so drops can be more than the missing alerts, never fewer)
check(alerts + d["ring_full"] >= opens,
      "silent loss: %d opens, %d alerts + %d counted drops" % (opens, alerts, d["ring_full"]))
# everything the kernel submitted was read (drained at exit)
check(0 <= k["sent"] - s["events_received"] <= 16,
      "sent %d vs received %d" % (k["sent"], s["events_received"]))
check(s["alerts"] == int(sys.argv[6]), "stats alerts %d, %s lines" % (s["alerts"], sys.argv[6]))
sys.exit(0 if ok else 1)
PY
rm -f alerts.txt /tmp/fc_storm/marker-$$-* "$target"
finish
