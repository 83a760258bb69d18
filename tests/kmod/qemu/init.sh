#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# /init of the qemu kmod test's initramfs (run.sh builds it). Prints
# everything the host checks between "=== FCK BEGIN x ===" and
# "=== FCK END x ===" markers on the serial console, then powers off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
ip link set lo up
MODE=test
for a in $(cat /proc/cmdline); do
	case "$a" in fck_mode=*) MODE=${a#fck_mode=} ;; esac
done

say() { echo "=== FCK $* ==="; }
block() { # name file
	say "BEGIN $1"
	cat "$2"
	say "END $1"
}
# Wait (up to 60 s under TCG) for falcoc-run to print "ready" in $1.
wait_ready() {
	for _ in $(seq 600); do
		grep -q 'falcoc-run: ready' "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

insmod /falcoc.ko && say "INSMOD ok" || say "INSMOD failed"

if [ "$MODE" = bench ]; then
	# three interleaved rounds: the host keeps each driver's minimum, the
	# run least disturbed by whatever else the host machine does
	N=$(cat /bench_n)
	/fck_workload bench 2000 >/dev/null
	for r in 1 2 3; do
		none=$(/fck_workload bench "$N")
		kmod=$(falcoc-run --driver kmod -o /tmp/bk.txt /probe_kmod.o -- /fck_workload bench "$N" 2>/tmp/bk.err)
		kmodnf=$(falcoc-run --driver kmod -o /tmp/bn.txt /probe_nofilter.o -- /fck_workload bench "$N" 2>/tmp/bn.err)
		bpf=$(falcoc-run -o /tmp/bb.txt /probe.o -- /fck_workload bench "$N" 2>/tmp/bb.err)
		say "BENCH round=$r none=$none kmod=$kmod kmodnf=$kmodnf bpf=$bpf"
	done
	block bench-kmod-stderr /tmp/bk.err
	block bench-bpf-stderr /tmp/bb.err
	poweroff -f
fi

# 1. the workload under each driver
rm -rf /tmp/fck
falcoc-run -v --driver kmod --stats /tmp/kmod.json /probe_kmod.o -- /fck_workload >/tmp/kmod.txt 2>/tmp/kmod.err
say "RC kmod $?"
block kmod /tmp/kmod.txt
block kmod-stderr /tmp/kmod.err
block kmod-stats /tmp/kmod.json
# a disabled rule sharing its syscall with enabled ones: the module
# masks it off (its program decides every rule)
rm -rf /tmp/fck
falcoc-run --driver kmod --disable-rule 'fck open secret write' --stats /tmp/dis.json /probe_kmod.o -- /fck_workload >/tmp/dis.txt 2>/tmp/dis.err
say "RC dis $?"
block dis /tmp/dis.txt
block dis-stats /tmp/dis.json
rm -rf /tmp/fck
falcoc-run --stats /tmp/bpf.json /probe.o -- /fck_workload >/tmp/bpf.txt 2>/tmp/bpf.err
say "RC bpf $?"
block bpf /tmp/bpf.txt
block bpf-stderr /tmp/bpf.err
block bpf-stats /tmp/bpf.json

# 2. one reader at a time; rmmod refused while the device is open;
#    the reader killed while a busy workload runs (events in flight);
#    then rmmod with the workload still running
falcoc-run --driver kmod /probe_kmod.o -- /fck_workload loop 20 >/dev/null 2>/tmp/loop.err &
FR=$!
if wait_ready /tmp/loop.err; then say "LOOP ready"; else say "LOOP not-ready"; fi
falcoc-run --driver kmod /probe_kmod.o >/dev/null 2>/tmp/second.err
say "SECOND rc=$?"
block second-stderr /tmp/second.err
if rmmod falcoc 2>/dev/null; then say "RMMOD-OPEN unloaded"; else say "RMMOD-OPEN refused"; fi
sleep 1
kill -9 $FR
wait $FR 2>/dev/null
if rmmod falcoc; then say "RMMOD-AFTER-KILL ok"; else say "RMMOD-AFTER-KILL failed"; fi
# the orphaned loop (its reader is gone); the guest runs nothing else
kill $(pidof fck_workload) 2>/dev/null
falcoc-run --driver kmod /probe_kmod.o >/dev/null 2>/tmp/nomod.err
say "NOMOD rc=$?"
block nomod-stderr /tmp/nomod.err
# 3. load again and run again: the module comes back clean (and refuses
#    a corrupt filter program)
insmod /falcoc.ko && say "REINSMOD ok" || say "REINSMOD failed"
falcoc-run --driver kmod /probe_bad.o >/dev/null 2>/tmp/badblob.err
say "BADBLOB rc=$?"
block badblob-stderr /tmp/badblob.err
if [ -f /probe_stdlib.o ]; then
	rm -rf /tmp/fck
	falcoc-run -v --driver kmod /probe_stdlib.o -- /fck_workload >/dev/null 2>/tmp/stdlib.err
	say "RC stdlib $?"
	block stdlib-stderr /tmp/stdlib.err
fi
rm -rf /tmp/fck
falcoc-run --driver kmod /probe_kmod.o -- /fck_workload >/tmp/again.txt 2>/tmp/again.err
say "RC again $?"
block again /tmp/again.txt
# 4. a small ring: it wraps (pad records) and fills; every event is
#    either read or counted lost
rmmod falcoc
insmod /falcoc.ko ring_kb=128 && say "SMALLRING ok" || say "SMALLRING failed"
rm -rf /tmp/fck
mkdir -p /tmp/fck
falcoc-run --driver kmod --stats /tmp/small.json -o /dev/null /probe_kmod.o -- /fck_workload loop 4 2>/tmp/small.err
say "RC small $?"
block small-stats /tmp/small.json
block small-stderr /tmp/small.err
rmmod falcoc && say "RMMOD-END ok" || say "RMMOD-END failed"
dmesg >/tmp/dmesg.txt
block dmesg /tmp/dmesg.txt
sync
poweroff -f
