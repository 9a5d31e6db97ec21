/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Two classifiers compared on mutated names (fuzz/differential.sh): this
 * tree's podip_classify against the one of an older commit, linked in as
 * old_podip_classify, under ten configurations.
 *
 *   differential [NAMES]   default 10,000,000
 *
 * Prints the number of names and of differences, split into names holding a
 * backslash (SPEC §1: PASS since issue 9) and the others; the first few of
 * each. Exit 1 if a name without a backslash differs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../podip_name.h"
#include "../tests/cases.h"

enum podip_kind old_podip_classify(const char *name, const struct podip_conf *conf,
                                   struct podip_outcome *out);

static const char *const confs[10] = {
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
            name[at % len] ^= 0x20 * ((name[at % len] | 0x20) >= 'a' && (name[at % len] | 0x20) <= 'z');
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

static bool same(const struct podip_outcome *a, const struct podip_outcome *b)
{
    if (a->kind != b->kind || a->why != b->why || a->namelen != b->namelen ||
        a->relative != b->relative || a->zone != b->zone)
        return false;
    if (a->kind != PODIP_ADDRESS)
        return true;
    return a->family == b->family && memcmp(a->addr, b->addr, a->family == AF_INET ? 4 : 16) == 0;
}

int main(int argc, char **argv)
{
    unsigned long names = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
    static struct podip_conf conf[10], old_conf[10];
    for (int c = 0; c < 10; c++) {
        podip_conf_defaults(&conf[c]);
        podip_conf_parse(&conf[c], PODIP_SYNTAX_CONF, confs[c], strlen(confs[c]), NULL, NULL);
        /* the classifier before issue 9 also wanted '.' in `ends` */
        old_conf[c] = conf[c];
        old_conf[c].ends['.'] = true;
    }
    size_t nseeds = sizeof name_cases / sizeof name_cases[0];
    unsigned long diff_backslash = 0, diff_other = 0, with_backslash = 0, kinds[4] = {0};
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
        unsigned c = (unsigned)(i / nseeds % 10);
        struct podip_outcome a, b;
        podip_classify(name, &conf[c], &a);
        old_podip_classify(name, &old_conf[c], &b);
        kinds[a.kind]++;
        if (same(&a, &b))
            continue;
        unsigned long *count = backslash ? &diff_backslash : &diff_other;
        if ((*count)++ < 5)
            printf("  differs (configuration %u): \"%s\": new kind %d why %d, old kind %d why %d\n",
                   c, name, a.kind, a.why, b.kind, b.why);
    }
    printf("%lu names (%lu holding a backslash) under 10 configurations: %lu differ with a "
           "backslash, %lu without\n",
           names, with_backslash, diff_backslash, diff_other);
    printf("the new outcomes: %lu PASS, %lu NXDOMAIN, %lu NODATA, %lu with an address\n",
           kinds[PODIP_PASS], kinds[PODIP_NXDOMAIN], kinds[PODIP_NODATA], kinds[PODIP_ADDRESS]);
    return diff_other == 0 ? 0 : 1;
}
