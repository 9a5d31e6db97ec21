/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Two classifiers compared on mutated names (fuzz/differential.sh): this
 * tree's against the one of an older commit, each behind
 * fuzz/differential_side.c, under ten configurations.
 *
 *   differential [NAMES]   default 10,000,000
 *
 * Prints the number of names and of differences in the answer (kind,
 * family, address), and in the rest of the outcome (why, the name's length,
 * relative, the zone); the first few of each. Exit 1 if any answer differs,
 * or anything for a name without a backslash (a tree with podip_lex.h says
 * a name holding one is passed on for the backslash, an older one for being
 * no pod name). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../tests/cases.h"
#include "differential.h"

static const char *const confs[DIFF_CONFS] = {
    "",
    "zone k8s.example.com\nzone cluster.local\n",
    "zone cluster.local\nzone pod.cluster.local\nzone local\n", /* zones in each other */
    "relative no\n",
    "namespace default\nnamespace kube-system\n",
    "allow 10.0.0.0/8\nallow fd00::/8\nallow 192.168.1.128/25\n",
    "wildcard nip.io\nwildcard sslip.io\n",
    "zone a.b\nwildcard b\nrelative no\nnamespace x\n",
    "zone CLUSTER.local.\nallow 10.42.0.0/16\nnamespace default\nwildcard nip.io\nttl 9\n",
    "zone k8s.test\nzone cluster.local\nallow ::ffff:0:0/96\nallow 1.1.1.1\n",
};

/* xorshift64*: reproducible, no state beyond this */
static unsigned long long rng = 88172645463325252ull;
static unsigned pick(unsigned n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (unsigned)((rng * 2685821657736338717ull) >> 33) % n;
}

static const char alphabet[] = "0123456789abcdefABCDEFxyz-.-.-.:\\_*";

/* One mutation of NAME (LEN bytes, room for 300) in place; returns the new length. */
static size_t mutate(char *name, size_t len)
{
    size_t at = len > 0 ? pick((unsigned)len + 1) : 0;
    switch (pick(8)) {
    case 0: /* replace a byte */
        if (len > 0)
            name[at % len] = alphabet[pick(sizeof alphabet - 1)];
        break;
    case 1: /* insert a byte */
        if (len < 299) {
            memmove(name + at + 1, name + at, len - at);
            name[at] = alphabet[pick(sizeof alphabet - 1)];
            len++;
        }
        break;
    case 2: /* delete a byte */
        if (len > 0) {
            at %= len;
            memmove(name + at, name + at + 1, len - at - 1);
            len--;
        }
        break;
    case 3: /* flip the case of a byte */
        if (len > 0)
            name[at % len] ^=
                0x20 * ((name[at % len] | 0x20) >= 'a' && (name[at % len] | 0x20) <= 'z');
        break;
    case 4: /* cut the end (or the trailing dot) */
        len = at;
        break;
    case 5: /* a label in front */
        if (len + 3 < 299) {
            memmove(name + 2, name, len);
            memcpy(name, pick(2) ? "x." : "_t", 2);
            len += 2;
        }
        break;
    case 6: /* any byte at all */
        if (len > 0)
            name[at % len] = (char)(1 + pick(255));
        break;
    default: /* a trailing dot */
        if (len < 299)
            name[len++] = '.';
        break;
    }
    name[len] = '\0';
    return len;
}

static bool same_answer(const struct diff_outcome *a, const struct diff_outcome *b)
{
    return a->kind == b->kind && a->family == b->family && memcmp(a->addr, b->addr, 16) == 0;
}

static bool same_rest(const struct diff_outcome *a, const struct diff_outcome *b)
{
    return a->why == b->why && a->namelen == b->namelen && a->relative == b->relative &&
           a->zone == b->zone;
}

int main(int argc, char **argv)
{
    unsigned long names = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
    side_setup(confs);
    old_side_setup(confs);
    size_t nseeds = sizeof name_cases / sizeof name_cases[0];
    unsigned long diff_answer = 0, diff_rest = 0, diff_backslash = 0, with_backslash = 0;
    unsigned long kinds[4] = {0};
    char name[301];
    for (unsigned long i = 0; i < names; i++) {
        const char *seed = name_cases[i % nseeds].name;
        size_t len = strlen(seed);
        if (len > 299)
            len = 299;
        memcpy(name, seed, len);
        name[len] = '\0';
        for (unsigned m = pick(4) + 1; m > 0; m--)
            len = mutate(name, len);
        bool backslash = memchr(name, '\\', len) != NULL;
        with_backslash += backslash;
        unsigned c = (unsigned)(i / nseeds % DIFF_CONFS);
        struct diff_outcome a, b;
        side_classify(name, c, &a);
        old_side_classify(name, c, &b);
        kinds[a.kind & 3]++;
        unsigned long *count = !same_answer(&a, &b) ? &diff_answer
                               : same_rest(&a, &b)  ? NULL
                               : backslash          ? &diff_backslash
                                                    : &diff_rest;
        if (count != NULL && (*count)++ < 5)
            printf("  differs (configuration %u): \"%s\": new kind %d why %d zone %d, old kind %d "
                   "why %d zone %d\n",
                   c, name, a.kind, a.why, a.zone, b.kind, b.why, b.zone);
    }
    printf("%lu names (%lu holding a backslash) under %d configurations: %lu answers differ; "
           "the rest of the outcome differs for %lu names without a backslash and %lu with one\n",
           names, with_backslash, DIFF_CONFS, diff_answer, diff_rest, diff_backslash);
    printf("the new outcomes: %lu PASS, %lu NXDOMAIN, %lu NODATA, %lu with an address\n", kinds[0],
           kinds[1], kinds[2], kinds[3]);
    return diff_answer == 0 && diff_rest == 0 ? 0 : 1;
}
