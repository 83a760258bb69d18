/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check.h: the unit tests' assertion: CHECK(cond) counts a pass or
 * prints the failed condition with its line and counts a failure; a test
 * ends by reporting npass/nfail and exiting non-zero on any failure.
 */
#ifndef FALCOC_TEST_CHECK_H
#define FALCOC_TEST_CHECK_H

#include <stdio.h>

static int npass, nfail;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (cond) {                                                          \
			npass++;                                                     \
		} else {                                                             \
			nfail++;                                                     \
			printf("%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                    \
	} while (0)

#endif
