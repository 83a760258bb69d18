#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""
gen_tables.py: bootstrap compiler/fields.def and compiler/evtnames.def from
the upstream tables in shared/corpus.

The two .def files are committed source: after this first generation they
are the single place where a field or an event name is declared, and later
columns (kernel support, extractor) are added by hand. Re-run this script
only to pick up new upstream fields, and diff the result against the
hand-edited file before committing.

Usage:
    tools/gen_tables.py [--corpus DIR] [--out DIR]

Defaults: --corpus /work/shared/corpus, --out <repo>/compiler.
Python 3 standard library only.
"""

import argparse
import csv
import os
import sys

# libsinsp field types (PT_*) map 1:1 to our FT_* enum. The container
# plugin speaks the plugin API's type names instead.
PLUGIN_TYPES = {
    "string": "FT_CHARBUF",
    "uint64": "FT_UINT64",
    "bool": "FT_BOOL",
    "reltime": "FT_RELTIME",
    "abstime": "FT_ABSTIME",
    "ipaddr": "FT_IPADDR",
    "ipnet": "FT_IPNET",
}

# How each argument-taking libsinsp field spells its argument. The EPF
# flags only say *whether* an argument is allowed; the syntax lives in
# each filtercheck's parse_field_name(), so it is declared here by hand
# (libs userspace/libsinsp/sinsp_filtercheck_{event,thread,fd}.cpp):
#   ARG_INDEX     name[N], N a non-negative integer (ancestor depth ...)
#   ARG_KEY       name[anything]
#   ARG_EVTPARAM  evt.arg.NAME or evt.arg[N]: NAME an event parameter
#   ARG_EVTPARAM_NAME  evt.rawarg.NAME only (the [N] form is refused)
#   ARG_EVTTYPE   evt.type.is.NAME (event name) or evt.type.is.N
#   ARG_ABSPATH   evt.abspath, evt.abspath.src, evt.abspath.dst
#   ARG_CGROUP    thread.cgroup.SUBSYS (letters and '_')
# Only the last five use the dotted form; proc.aname.2 is not valid.
SINSP_ARG_SYNTAX = {
    "evt.arg": "ARG_EVTPARAM",
    "evt.rawarg": "ARG_EVTPARAM_NAME",
    "evt.type.is": "ARG_EVTTYPE",
    "evt.abspath": "ARG_ABSPATH",
    "evt.around": "ARG_INDEX",
    "thread.cgroup": "ARG_CGROUP",
    "proc.apid": "ARG_INDEX",
    "proc.aname": "ARG_INDEX",
    "proc.aexe": "ARG_INDEX",
    "proc.aexepath": "ARG_INDEX",
    "proc.acmdline": "ARG_INDEX",
    "proc.aargs": "ARG_INDEX",
    # proc.env[NAME] and proc.aenv[NAME|N]: a variable name or a depth.
    "proc.env": "ARG_KEY",
    "proc.aenv": "ARG_KEY",
    # Syntax not pinned down from upstream source yet: accept any key.
    "proc.args": "ARG_KEY",
    "fd.types": "ARG_KEY",
}

# Syscall names that evt.type accepts although they have no event of
# their own in the event table: libsinsp also accepts every ppm_sc name
# (filtercheck_event validate_filter_value), and such syscalls arrive as
# the generic event. From libs driver/ppm_events_public.h PPM_SC_FIELDS.
PPM_SC_NAMES = """
restart_syscall exit read write open close creat link unlink chdir time mknod
chmod stat lseek getpid mount ptrace alarm fstat pause utime access sync kill
rename mkdir rmdir dup pipe times brk acct ioctl fcntl setpgid umask chroot
ustat dup2 getppid getpgrp setsid sethostname setrlimit getrusage gettimeofday
settimeofday symlink lstat readlink uselib swapon reboot mmap munmap truncate
ftruncate fchmod getpriority setpriority statfs fstatfs syslog setitimer
getitimer uname vhangup wait4 swapoff sysinfo fsync setdomainname adjtimex
mprotect init_module delete_module quotactl getpgid fchdir sysfs personality
getdents select flock msync readv writev getsid fdatasync mlock munlock
mlockall munlockall sched_setparam sched_getparam sched_setscheduler
sched_getscheduler sched_yield sched_get_priority_max sched_get_priority_min
sched_rr_get_interval nanosleep mremap poll prctl rt_sigaction rt_sigprocmask
rt_sigpending rt_sigtimedwait rt_sigqueueinfo rt_sigsuspend getcwd capget
capset sendfile getrlimit lchown getuid getgid geteuid getegid setreuid
setregid getgroups setgroups fchown setresuid getresuid setresgid getresgid
chown setuid setgid setfsuid setfsgid pivot_root mincore madvise gettid
setxattr lsetxattr fsetxattr getxattr lgetxattr fgetxattr listxattr
llistxattr flistxattr removexattr lremovexattr fremovexattr tkill futex
sched_setaffinity sched_getaffinity set_thread_area get_thread_area io_setup
io_destroy io_getevents io_submit io_cancel exit_group epoll_create epoll_ctl
epoll_wait remap_file_pages set_tid_address timer_create timer_settime
timer_gettime timer_getoverrun timer_delete clock_settime clock_gettime
clock_getres clock_nanosleep tgkill utimes mq_open mq_unlink mq_timedsend
mq_timedreceive mq_notify mq_getsetattr kexec_load waitid add_key request_key
keyctl ioprio_set ioprio_get inotify_init inotify_add_watch inotify_rm_watch
openat mkdirat mknodat fchownat futimesat unlinkat renameat linkat symlinkat
readlinkat fchmodat faccessat pselect6 ppoll unshare set_robust_list
get_robust_list splice tee vmsplice getcpu epoll_pwait utimensat signalfd
timerfd_create eventfd timerfd_settime timerfd_gettime signalfd4 eventfd2
epoll_create1 dup3 pipe2 inotify_init1 preadv pwritev rt_tgsigqueueinfo
perf_event_open fanotify_init prlimit64 clock_adjtime syncfs setns getdents64
socket bind connect listen accept getsockname getpeername socketpair sendto
recvfrom shutdown setsockopt getsockopt sendmsg sendmmsg recvmsg recvmmsg
accept4 semop semget semctl msgsnd msgrcv msgget msgctl shmdt shmget shmctl
statfs64 fstatfs64 fstatat64 sendfile64 ugetrlimit bdflush sigprocmask ipc
socketcall stat64 lstat64 fstat64 fcntl64 mmap2 _newselect sgetmask ssetmask
sigpending olduname umount signal nice stime _llseek waitpid pread64 pwrite64
arch_prctl shmat rt_sigreturn fallocate newfstatat process_vm_readv
process_vm_writev fork vfork setuid32 getuid32 setgid32 geteuid32 getgid32
setresuid32 setresgid32 getresuid32 getresgid32 finit_module bpf seccomp
sigaltstack getrandom fadvise64 renameat2 userfaultfd openat2 umount2 execve
execveat copy_file_range clone clone3 open_by_handle_at io_uring_setup
io_uring_enter io_uring_register mlock2 getegid32 fsconfig fspick fsmount
fsopen open_tree move_mount mount_setattr memfd_create memfd_secret ioperm
kexec_file_load pidfd_getfd pidfd_open pidfd_send_signal pkey_alloc
pkey_mprotect pkey_free landlock_create_ruleset quotactl_fd
landlock_restrict_self landlock_add_rule epoll_pwait2 migrate_pages move_pages
preadv2 pwritev2 kcmp sched_setattr mbind epoll_ctl_old lookup_dcookie
modify_ldt statx set_mempolicy io_pgetevents set_mempolicy_home_node
semtimedop get_kernel_syms readahead futex_waitv getpmsg name_to_handle_at
process_mrelease nfsservctl epoll_wait_old rseq create_module sched_getattr
faccessat2 _sysctl query_module get_mempolicy sync_file_range process_madvise
membarrier iopl close_range fanotify_mark recv send
""".split()
# ppm_sc names of tracepoints rather than syscalls.
PPM_SC_TRACEPOINTS = """
sched_process_exit sched_switch page_fault_user page_fault_kernel
signal_deliver
""".split()

# Event categories we keep as the primary category of an event name.
KIND_BITS = ("EC_SYSCALL", "EC_TRACEPOINT", "EC_PLUGIN", "EC_METAEVENT")


def read_tsv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def parse_flags(raw):
    # The TSV keeps one C cast verbatim: "(filtercheck_field_flags)(A|B)".
    raw = raw.replace("(filtercheck_field_flags)", "").strip("()")
    flags = [f.strip() for f in raw.split("|") if f.strip()]
    flags = [f for f in flags if f != "EPF_NONE"]
    return flags


def fields_rows(corpus):
    rows = []
    seen = set()
    for r in read_tsv(os.path.join(corpus, "libsinsp_fields.tsv")):
        name = r["field"]
        # sinsp_filtercheck_rawstring.cpp declares placeholder "NA"
        # fields with no class; they are not addressable by name.
        if name == "NA" or not r["class"]:
            continue
        if name in seen:
            sys.exit("duplicate field " + name)
        seen.add(name)
        typ = r["type"].replace("PT_", "FT_")
        flags = parse_flags(r["flags"])
        arg = "ARG_NONE"
        if "EPF_ARG_REQUIRED" in flags or "EPF_ARG_ALLOWED" in flags:
            if name not in SINSP_ARG_SYNTAX:
                sys.exit("no argument syntax declared for " + name)
            arg = SINSP_ARG_SYNTAX[name]
        rows.append((name, typ, flags, arg, r["class"], "SRC_SINSP",
                     r["display"]))
    for r in read_tsv(os.path.join(corpus, "container_plugin_fields.tsv")):
        name = r["field"]
        if name in seen:
            sys.exit("duplicate field " + name)
        seen.add(name)
        if r["type"] not in PLUGIN_TYPES:
            sys.exit("unknown plugin type " + r["type"])
        typ = PLUGIN_TYPES[r["type"]]
        flags = []
        arg = "ARG_NONE"
        argspec = set(a for a in r["arg"].split(",") if a != "None")
        if argspec:
            flags.append("EPF_ARG_REQUIRED" if "Required" in argspec
                         else "EPF_ARG_ALLOWED")
            if "Index" in argspec:
                flags.append("EPF_ARG_INDEX")
            if "Key" in argspec:
                flags.append("EPF_ARG_KEY")
            # Plugin arguments always use brackets (plugin_filtercheck.cpp):
            # k8s.pod.label.app does not resolve, k8s.pod.label[app] does.
            arg = "ARG_KEY" if "Key" in argspec else "ARG_INDEX"
        if r["deprecated"] in ("yes", "legacy"):
            flags.append("EPF_DEPRECATED")
        cls = name.split(".")[0]
        rows.append((name, typ, flags, arg, cls, "SRC_CONTAINER", ""))
    return rows


def write_fields(rows, out, corpus):
    w = max(len(c_str(r[0])) for r in rows) + 1
    with open(out, "w") as f:
        f.write("""\
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fields.def: every filter field falcoc knows, one FIELD() per line.
 *
 * Bootstrapped by tools/gen_tables.py from shared/corpus/libsinsp_fields.tsv
 * (libsinsp filtercheck tables) and container_plugin_fields.tsv (the
 * container plugin, which owns container.* and k8s.* since Falco 0.41).
 * This file is committed source and may be edited by hand from now on;
 * keep one entry per line.
 *
 * FIELD(name, type, flags, arg, class, source, display)
 *   type     FT_* (enum ftype in fields.h; libsinsp PT_* spelled FT_*)
 *   flags    EPF_* bits, as upstream declares them (0 for none). Plugin
 *            fields get EPF_ARG_INDEX / EPF_ARG_KEY from the plugin's
 *            arg column and EPF_DEPRECATED for deprecated/legacy fields.
 *   arg      ARG_* argument syntax (see enum field_arg in fields.h); the
 *            EPF flags say whether an argument may appear, this says how
 *            it is spelled and checked.
 *   class    libsinsp filtercheck class, or the name's first component
 *            for plugin fields
 *   source   SRC_SINSP or SRC_CONTAINER (container plugin)
 *   display  upstream display name ("" for plugin fields)
 *
 * Includers define FIELD() before including this file; the file #undefs
 * it at its end.
 */

""")
        for (name, typ, flags, arg, cls, src, disp) in rows:
            fl = "|".join(flags) if flags else "0"
            f.write("FIELD(%-*s %-12s %s, %s, %s, %s, %s)\n" % (
                w, c_str(name) + ",", typ + ",", fl, arg, c_str(cls), src,
                c_str(disp)))
        f.write("\n#undef FIELD\n")


def event_rows(corpus):
    names = {}
    order = []
    params = []
    pseen = set()
    for r in read_tsv(os.path.join(corpus, "scap_event_table.tsv")):
        name = r["name"]
        for p in (r["params"] or "").split(";"):
            pn = p.split(":")[0]
            if pn and pn not in pseen:
                pseen.add(pn)
                params.append(pn)
        if name == "NA":
            continue
        cats = r["category"].split("|")
        if name not in names:
            names[name] = {"cats": [], "kinds": set(), "codes": []}
            order.append(name)
        e = names[name]
        e["codes"].append(r["code"])
        for c in cats:
            if c in KIND_BITS:
                e["kinds"].add(c)
            elif c not in e["cats"]:
                e["cats"].append(c)
    rows = []
    for name in order:
        e = names[name]
        if "EC_SYSCALL" in e["kinds"]:
            kind = "EVK_SYSCALL"
        elif "EC_TRACEPOINT" in e["kinds"]:
            kind = "EVK_TRACEPOINT"
        elif "EC_PLUGIN" in e["kinds"]:
            kind = "EVK_PLUGIN"
        elif "EC_METAEVENT" in e["kinds"]:
            kind = "EVK_META"
        else:
            kind = "EVK_OTHER"
        cat = e["cats"][0] if e["cats"] else "EC_OTHER"
        rows.append((name, kind, cat, "scap " + ",".join(e["codes"])))
    for n in PPM_SC_NAMES:
        if n not in names:
            names[n] = None
            rows.append((n, "EVK_SYSCALL", "EC_OTHER", "generic"))
    for n in PPM_SC_TRACEPOINTS:
        if n not in names:
            names[n] = None
            rows.append((n, "EVK_TRACEPOINT", "EC_OTHER", "ppm_sc"))
    return rows, params


def write_events(rows, params, out):
    w = max(len(c_str(r[0])) for r in rows) + 1
    with open(out, "w") as f:
        f.write("""\
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * evtnames.def: every name evt.type accepts, and every event parameter
 * name evt.arg.NAME accepts.
 *
 * Bootstrapped by tools/gen_tables.py from shared/corpus/scap_event_table.tsv
 * (libs driver/event_table.c): one EVT() per distinct event name, enter and
 * exit records and old versions folded together, in order of first code.
 * After those come the syscall names that have no event of their own
 * (they arrive as the generic event; libsinsp accepts any ppm_sc name for
 * evt.type), marked "generic".
 *
 * The position of an EVT() line is its index in the event-name bitset
 * used by event-type inference: append new names at the end only.
 *
 * EVT(name, kind, category)
 *   kind      EVK_SYSCALL, EVK_TRACEPOINT, EVK_META, EVK_PLUGIN, EVK_OTHER
 *   category  the event's EC_* category, without the kind bits
 * EVTPARAM(name)
 *   a parameter name of some event (evt.arg.NAME, evt.rawarg.NAME)
 *
 * Includers define the macros they need; the others default to nothing.
 * The file #undefs both at its end.
 */

#ifndef EVT
#define EVT(name, kind, category)
#endif
#ifndef EVTPARAM
#define EVTPARAM(name)
#endif

""")
        for (name, kind, cat, why) in rows:
            f.write("EVT(%-*s %-15s %s) /* %s */\n" % (
                w, c_str(name) + ",", kind + ",", cat, why))
        f.write("\n")
        for p in params:
            f.write("EVTPARAM(%s)\n" % c_str(p))
        f.write("\n#undef EVT\n#undef EVTPARAM\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--out", default=os.path.join(here, "..", "compiler"))
    a = ap.parse_args()
    rows = fields_rows(a.corpus)
    write_fields(rows, os.path.join(a.out, "fields.def"), a.corpus)
    erows, params = event_rows(a.corpus)
    write_events(erows, params, os.path.join(a.out, "evtnames.def"))
    print("fields.def: %d fields; evtnames.def: %d names, %d params" % (
        len(rows), len(erows), len(params)))


if __name__ == "__main__":
    main()
