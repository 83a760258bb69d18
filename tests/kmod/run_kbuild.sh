#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run_kbuild.sh SRC_DIR: compile kmod/fcf/fcf_verify.c and fcf_run.c as a
# throw-away kernel module with kbuild (-Werror, frames <= 512 bytes), so
# the filter stays kernel C: no libc, small stack. Skips (77) without
# kernel headers (Debian: linux-headers-amd64).
set -u
src=$(cd "${1:?usage: run_kbuild.sh SRC_DIR}" && pwd)
kdir=
for d in "/lib/modules/$(uname -r)/build" /usr/src/linux-headers-*-amd64; do
	[ -f "$d/Makefile" ] && { kdir=$d; break; }
done
if [ -z "$kdir" ] || ! command -v make >/dev/null; then
	echo "SKIP: no kernel headers (install linux-headers-amd64)"
	exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fcf-kbuild.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM
for f in verify run; do
	printf '// SPDX-License-Identifier: GPL-2.0\n#include "%s/kmod/fcf/fcf_%s.c"\n' "$src" "$f" \
		>"$tmp/fcf_$f.c"
done
cat >"$tmp/fcf_check.c" <<EOC
// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include "$src/kmod/fcf/fcf.h"
static int maybe_fetch(void *ctx, unsigned field, const char *arg, struct fcf_value *out)
{
	return FCF_FETCH_MAYBE;
}
static int __init fcf_check_init(void)
{
	static const u8 blob[64];
	struct fcf_prog *p;
	char err[64];
	u64 mask[1];

	if (fcf_load(blob, sizeof(blob), &p, err, sizeof(err)) == 0) {
		fcf_run(p, 0, maybe_fetch, NULL, mask);
		fcf_free(p);
	}
	return 0;
}
static void __exit fcf_check_exit(void)
{
}
module_init(fcf_check_init);
module_exit(fcf_check_exit);
MODULE_LICENSE("Dual MIT/GPL");
EOC
cat >"$tmp/Kbuild" <<EOK
obj-m := fcfcheck.o
fcfcheck-y := fcf_check.o fcf_verify.o fcf_run.o
ccflags-y := -Wall -Werror -Wframe-larger-than=512
EOK
if make -C "$kdir" M="$tmp" modules >"$tmp/log" 2>&1 && [ -f "$tmp/fcfcheck.ko" ]; then
	echo "ok: kmod/fcf builds as kernel code against $kdir"
	exit 0
fi
cat "$tmp/log"
echo "FAIL: kmod/fcf does not build against $kdir"
exit 1
