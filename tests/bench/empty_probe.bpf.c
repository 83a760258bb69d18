/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * empty_probe: the floor of the overhead benchmark. One tp_btf program
 * on sys_enter and one on sys_exit, both doing nothing, so what they
 * cost is the price of having any probe on the raw syscall tracepoints
 * (the BTF trampoline and the program call), nothing else.
 * Built a second time with FC_BENCH_EXIT_ONLY (empty_exit_probe.o): the
 * sys_exit program alone, which is what falcoc's and the Falco-style
 * probes attach (both run at exit only), so bench.py can split their
 * extra cost into the hook's price and the probe's own work.
 * No headers: a tp_btf program needs no kernel types to return 0.
 */
#define SEC(name) __attribute__((section(name), used))

#ifndef FC_BENCH_EXIT_ONLY
SEC("tp_btf/sys_enter")
int fc_bench_enter(void *ctx)
{
	return 0;
}
#endif

SEC("tp_btf/sys_exit")
int fc_bench_exit(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "Dual MIT/GPL";
