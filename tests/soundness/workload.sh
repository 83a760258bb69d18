#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The soundness workload (run_soundness.sh runs it with loginuid 4242).
#   workload.sh [BULK_OPENS]
# Mixed file, process and network activity: a bulk of uninteresting
# events of the same types the rules watch (opens, writes, renames,
# unlinks under /tmp/fcsound/bulk and a mktemp dir), which the kernel
# filter must drop, and a set of events that fire the rules in
# extra_rules.yaml and falco_rules.yaml, which it must keep. No ptrace,
# no setuid. Exits non-zero only if the workload itself breaks.
set -u
n=${1:-20000}
B=/tmp/fcsound
rm -rf "$B"
mkdir -p "$B"/bulk "$B"/bin "$B"/hot/{pname,ne/sub,w,g1,g22} "$B"/needle-dir || exit 1
T=$(mktemp -d /tmp/fcsw.XXXXXX) || exit 1
# the interpreter itself, not a wrapper script (pyenv shims exec a dozen
# processes per call)
PY=$(python3 -c 'import sys; print(sys.executable)') || exit 1
cp /bin/sh "$B"/bin/fcsw_parent && cp /bin/sh "$B"/bin/fcsw_gparent &&
	cp /bin/true "$B"/bin/fcsw_true || exit 1
for i in $(seq 0 99); do echo "bulk $i" >"$B/bulk/f$i"; done
for f in by_cat.txt pname/p.txt aname.txt pid.txt uid_1.txt in_a.txt in_b.txt pre_1 pre_2.skip \
	g1/x1.log g22/xy.log g1/x12.log ne/loud.txt ne/quiet.txt ne/loud2.txt ne/loud3.txt w/a w/b x.victim; do
	echo "hot $f" >"$B/hot/$f"
done
echo secret >"$B/bulk/key.fcsecret"
echo needle >"$B/needle-dir/n.txt"

# ---- bulk: uninteresting events of watched types ----
for ((i = 0; i < n; i++)); do : <"$B/bulk/f$((i % 100))"; done
for ((i = 0; i < n / 10; i++)); do echo "$i" >"$B/bulk/w$((i % 50))"; done
# failed opens in /tmp: the kernel knows fd.name only for successful opens,
# so these reach userspace; keep them few
for ((i = 0; i < n / 100; i++)); do : 2>/dev/null <"$T/nothere$i"; done
"$PY" - "$B/bulk" "$T" "$((n / 20))" "$((n / 100))" <<'PY' || exit 1
import os, sys
bulk, tmp, m, r = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for i in range(m):
    p = os.path.join(tmp, "r%d" % i)
    with open(p, "w") as f:
        f.write("x")
    os.rename(p, p + ".moved")
    os.unlink(p + ".moved")
    os.mkdir(p + ".d")
    os.rmdir(p + ".d")
# relative opens and dirfd-relative opens: the kernel cannot know fd.name
# (MAYBE: they all reach userspace, so keep them few)
os.chdir(bulk)
for i in range(r):
    os.close(os.open("f%d" % (i % 100), os.O_RDONLY))
d = os.open(bulk, os.O_RDONLY | os.O_DIRECTORY)
for i in range(r):
    os.close(os.open("f%d" % (i % 100), os.O_RDONLY, dir_fd=d))
os.close(d)
PY

# ---- events that fire rules ----
cat "$B/hot/by_cat.txt" >/dev/null
"$B"/bin/fcsw_parent -c "cat $B/hot/pname/p.txt >/dev/null; true"
"$B"/bin/fcsw_gparent -c "sh -c 'cat $B/hot/aname.txt >/dev/null; true'; true"
"$B"/bin/fcsw_gparent -c "sh -c 'sh -c \"cat $B/hot/aname.txt >/dev/null; true\"; true'; true"
: <"$B/hot/pid.txt"
: <"$B/hot/uid_1.txt"
cat "$B/hot/in_a.txt" /etc/hostname >/dev/null
: <"$B/hot/in_b.txt"
: <"$B/hot/pre_1"
: <"$B/hot/pre_2.skip"
: <"$B/bulk/key.fcsecret"
: <"$B/needle-dir/n.txt"
: <"$B/hot/g1/x1.log"
: <"$B/hot/g22/xy.log"
: <"$B/hot/g1/x12.log"
: <"$B/hot/ne/loud.txt"
: <"$B/hot/ne/quiet.txt"
(cd "$B/hot/ne" && : <./loud2.txt && : <../ne/quiet.txt && cd sub && : <../loud3.txt && : <../../ne/./quiet.txt)
(cd "$B/hot" && : <by_cat.txt && : <./pre_1 && : <g1/../pid.txt)
echo t >"$B/hot/w/a"
echo t >>"$B/hot/w/b"
: <"$B/hot/w/a"
: <>"$B/hot/w/b"
: 2>/dev/null <"$B/hot/missing_x"
: 2>/dev/null <"$B/hot/w/missing_too"
"$PY" - "$B/hot" <<'PY' || exit 1
import os, sys
hot = sys.argv[1]
p = os.path.join(hot, "excl_1")
os.close(os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
try:
    os.open(p, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
except FileExistsError:
    pass
os.rename(os.path.join(hot, "pre_1"), os.path.join(hot, "renamed_1"))
os.chdir(hot)
os.rename("renamed_1", "renamed_2")  # relative: the kernel cannot know
os.unlink("x.victim")
open(os.path.join(hot, "dirfd_target.txt"), "w").close()
d = os.open(hot, os.O_RDONLY | os.O_DIRECTORY)
os.close(os.open("dirfd_target.txt", os.O_RDONLY, dir_fd=d))
os.close(d)
# failed opens (ENOENT, ENOTDIR) the rule "snd failed open" names
for name in ("gone/a.txt", "gone/b.conf", "gone/deeper/c"):
    try:
        os.open(os.path.join(hot, name), os.O_RDONLY)
    except FileNotFoundError:
        pass
open(os.path.join(hot, "missing_file"), "w").close()
try:
    os.open(os.path.join(hot, "missing_file", "c"), os.O_RDONLY)  # a file is not a directory
except NotADirectoryError:
    pass
PY
mv "$B/hot/renamed_2" "$B/hot/renamed_3"
echo v >"$B/hot/y.victim" && rm "$B/hot/y.victim"
ln -s "$B/hot/by_cat.txt" "$B/hot/sym_by_cat"
cat "$B/hot/sym_by_cat" >/dev/null # fd.name is the symlink path, not the target
ln -s /etc/shadow "$B/hot/shadow_link"
ln -s /etc/shadow "$T/shadow_link2"
ln "$B/hot/by_cat.txt" "$B/hot/hard1"
ln /etc/shadow "$B/hot/hard_shadow" 2>/dev/null
chmod 600 "$B/hot/by_cat.txt"
chmod 644 "$T"

# sensitive files, shells and common binaries
cat /etc/shadow >/dev/null
[ -r /etc/sudoers ] && cat /etc/sudoers >/dev/null
cat /etc/../etc/passwd >/dev/null
(cd /etc && cat ../etc/hostname >/dev/null)
ls "$B/hot" >/dev/null
ls -la /etc/ssh >/dev/null 2>&1
sh -c 'true'
env true
env sh -c 'cat /etc/shadow >/dev/null'
"$B"/bin/fcsw_true
true
grep -r "BEGIN RSA PRIVATE" "$B/hot" >/dev/null 2>&1
find "$B" -name id_rsa >/dev/null 2>&1
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
	cp /bin/true /dev/shm/fcsw_shm_true && /dev/shm/fcsw_shm_true
	rm -f /dev/shm/fcsw_shm_true
fi

# loopback network: a listener, a python connect and a bash /dev/tcp connect
"$PY" - <<'PY' || exit 1
import socket, threading
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 47811))
srv.listen(8)
def serve():
    for _ in range(2):
        c, _ = srv.accept()
        c.sendall(b"hi\n")
        c.close()
t = threading.Thread(target=serve)
t.start()
c = socket.create_connection(("127.0.0.1", 47811))
c.recv(3)
c.close()
import subprocess
subprocess.run(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/47811; read -r l <&3; exec 3<&-"], check=True)
t.join()
srv.close()
PY
# a connect to a closed port (fails): sport differs, no rule
(exec 3<>/dev/tcp/127.0.0.1/47812) 2>/dev/null

rm -rf "$T"
exit 0
