/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What fuzz/differential.c compares: one outcome, in the same words for any
 * tree, made by fuzz/differential_side.c compiled against that tree. */
#ifndef FUZZ_DIFFERENTIAL_H
#define FUZZ_DIFFERENTIAL_H

#include <stdbool.h>
#include <stddef.h>

#define DIFF_CONFS 10

struct diff_outcome {
    int kind, why, family;
    unsigned char addr[16];
    size_t namelen;
    bool relative;
    int zone; /* the pod zone or the wildcard domain it is under, or -1 */
};

/* Parse the DIFF_CONFS configurations TEXTS (each over the defaults). */
void side_setup(const char *const texts[DIFF_CONFS]);
/* Classify NAME under configuration C. */
void side_classify(const char *name, unsigned c, struct diff_outcome *r);

/* The same, of the older tree (renamed by fuzz/differential.sh). */
void old_side_setup(const char *const texts[DIFF_CONFS]);
void old_side_classify(const char *name, unsigned c, struct diff_outcome *r);

#endif
