/* SPDX-License-Identifier: Dual MIT/GPL */
/*
 * falcoc_flags.h: Linux flag values to the driver's PPM_* encodings for
 * the module's event params: bpf-templates/fc_flags.h, the very header
 * the BPF probe uses, so both drivers encode every flag the same way.
 */
#ifndef FALCOC_FLAGS_H
#define FALCOC_FLAGS_H

#include <linux/compiler.h>
#include <linux/types.h>

#include "fc_flags.h"

#endif
