/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * fc_flags.h: Linux flag values to the driver's PPM_* encodings, the one
 * definition both drivers use for event parameters: the BPF probe
 * (fc_probe.bpf.h) and the kernel module (kmod/falcoc_event.c). Plain C
 * on __u16/__u32/__u64 and __always_inline, which both environments
 * define before including it.
 */
#ifndef FC_FLAGS_H
#define FC_FLAGS_H

#define PPM_O_F_CREATED (1 << 14) /* set after the fact, from the file's f_mode */

/* Linux open flags to the driver's PPM_O_* bits (ppm_events_public.h). */
static __always_inline __u32 fc_open_flags(__u32 f)
{
	__u32 r = 0;

	switch (f & 3) {
	case 1: r |= 1 << 1; break;	/* O_WRONLY -> PPM_O_WRONLY */
	case 2: r |= 3; break;		/* O_RDWR -> PPM_O_RDWR */
	default: r |= 1 << 0; break;	/* O_RDONLY */
	}
	if (f & 0100)
		r |= 1 << 2;	/* O_CREAT */
	if (f & 02000)
		r |= 1 << 3;	/* O_APPEND */
	if (f & 010000)
		r |= 1 << 4;	/* O_DSYNC */
	if (f & 0200)
		r |= 1 << 5;	/* O_EXCL */
	if (f & 04000)
		r |= 1 << 6;	/* O_NONBLOCK */
	if ((f & 04010000) == 04010000)
		r |= 1 << 7;	/* O_SYNC (__O_SYNC | O_DSYNC) */
	if (f & 01000)
		r |= 1 << 8;	/* O_TRUNC */
	if (f & 040000)
		r |= 1 << 9;	/* O_DIRECT */
	if (f & 0200000)
		r |= 1 << 10;	/* O_DIRECTORY */
	if (f & 0100000)
		r |= 1 << 11;	/* O_LARGEFILE */
	if (f & 02000000)
		r |= 1 << 12;	/* O_CLOEXEC */
	if ((f & 020200000) == 020200000)
		r |= 1 << 13;	/* O_TMPFILE (__O_TMPFILE | O_DIRECTORY) */
	return r;
}

/* Mode bits are kept only when the open can create (as the driver). */
static __always_inline __u32 fc_open_mode(__u32 flags, __u64 mode)
{
	if (flags & (0100 | 020000000))
		return mode & 07777;
	return 0;
}

/* Linux CLONE_* to PPM_CL_* (also unshare flags and setns nstype). */
static __always_inline __u32 fc_clone_flags(__u64 f)
{
	__u32 r = 0;

	if (f & 0x400) r |= 1 << 0;		/* CLONE_FILES */
	if (f & 0x200) r |= 1 << 1;		/* CLONE_FS */
	if (f & 0x80000000ULL) r |= 1 << 2;	/* CLONE_IO */
	if (f & 0x08000000) r |= 1 << 3;	/* CLONE_NEWIPC */
	if (f & 0x40000000) r |= 1 << 4;	/* CLONE_NEWNET */
	if (f & 0x00020000) r |= 1 << 5;	/* CLONE_NEWNS */
	if (f & 0x20000000) r |= 1 << 6;	/* CLONE_NEWPID */
	if (f & 0x04000000) r |= 1 << 7;	/* CLONE_NEWUTS */
	if (f & 0x8000) r |= 1 << 8;		/* CLONE_PARENT */
	if (f & 0x100000) r |= 1 << 9;		/* CLONE_PARENT_SETTID */
	if (f & 0x2000) r |= 1 << 10;		/* CLONE_PTRACE */
	if (f & 0x800) r |= 1 << 11;		/* CLONE_SIGHAND */
	if (f & 0x40000) r |= 1 << 12;		/* CLONE_SYSVSEM */
	if (f & 0x10000) r |= 1 << 13;		/* CLONE_THREAD */
	if (f & 0x800000) r |= 1 << 14;		/* CLONE_UNTRACED */
	if (f & 0x100) r |= 1 << 15;		/* CLONE_VM */
	if (f & 0x10000000) r |= 1 << 19;	/* CLONE_NEWUSER */
	if (f & 0x200000) r |= 1 << 20;		/* CLONE_CHILD_CLEARTID */
	if (f & 0x01000000) r |= 1 << 21;	/* CLONE_CHILD_SETTID */
	if (f & 0x80000) r |= 1 << 22;		/* CLONE_SETTLS */
	if (f & 0x4000) r |= 1 << 24;		/* CLONE_VFORK */
	if (f & 0x02000000) r |= 1 << 25;	/* CLONE_NEWCGROUP */
	return r;
}

/* Linux PTRACE_* requests to the driver's PPM_PTRACE_* enumeration. */
static __always_inline __u16 fc_ptrace_req(__u64 req)
{
	switch (req) {
	case 0: return 1;	/* TRACEME */
	case 1: return 2;	/* PEEKTEXT */
	case 2: return 3;	/* PEEKDATA */
	case 3: return 4;	/* PEEKUSR */
	case 4: return 5;	/* POKETEXT */
	case 5: return 6;	/* POKEDATA */
	case 6: return 7;	/* POKEUSR */
	case 7: return 8;	/* CONT */
	case 8: return 9;	/* KILL */
	case 9: return 10;	/* SINGLESTEP */
	case 16: return 11;	/* ATTACH */
	case 17: return 12;	/* DETACH */
	case 24: return 13;	/* SYSCALL */
	case 0x4200: return 14;	/* SETOPTIONS */
	case 0x4201: return 15;	/* GETEVENTMSG */
	case 0x4202: return 16;	/* GETSIGINFO */
	case 0x4203: return 17;	/* SETSIGINFO */
	case 0x4204: return 18;	/* GETREGSET */
	case 0x4205: return 19;	/* SETREGSET */
	case 0x4206: return 20;	/* SEIZE */
	case 0x4207: return 21;	/* INTERRUPT */
	case 0x4208: return 22;	/* LISTEN */
	case 0x4209: return 23;	/* PEEKSIGINFO */
	case 0x420a: return 24;	/* GETSIGMASK */
	case 0x420b: return 25;	/* SETSIGMASK */
	case 12: return 26;	/* GETREGS */
	case 13: return 27;	/* SETREGS */
	case 14: return 28;	/* GETFPREGS */
	case 15: return 29;	/* SETFPREGS */
	case 18: return 30;	/* GETFPXREGS */
	case 19: return 31;	/* SETFPXREGS */
	case 21: return 32;	/* OLDSETOPTIONS */
	case 25: return 33;	/* GET_THREAD_AREA */
	case 26: return 34;	/* SET_THREAD_AREA */
	case 30: return 35;	/* ARCH_PRCTL */
	case 31: return 36;	/* SYSEMU */
	case 32: return 37;	/* SYSEMU_SINGLESTEP */
	case 33: return 38;	/* SINGLEBLOCK */
	default: return 0;	/* UNKNOWN */
	}
}

#endif /* FC_FLAGS_H */
