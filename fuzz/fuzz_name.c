/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: podip_classify on arbitrary bytes under several
 * configurations, each answer compared with tests/reference.h.
 * Input: one byte choosing the configuration, then the name (up to a NUL). */
#include <stdio.h>
#include <stdlib.h>

#include "../podip_name.h"
#include "../tests/reference.h"

static const struct ref_conf confs[] = {
    /* the defaults */
    {.zones = {"cluster.local"}, .nzones = 1, .relative = true, .ttl = 5},
    /* two zones, one inside the other's pod subtree; relative names off */
    {.zones = {"k8s.example.com", "pod.pod.k8s.example.com", "c"}, .nzones = 3, .ttl = 0},
    /* namespace and allow restrictions */
    {.zones = {"cluster.local"},
     .nzones = 1,
     .relative = true,
     .ttl = 30,
     .namespaces = {"default", "kube-system", "a"},
     .nnamespaces = 3,
     .allow = {"10.42.128.0/17", "fd00:10:244::/52", "1.2.3.4/32", "::/0"},
     .nallow = 3},
    /* wildcard domains, a long first zone for the relative length limit */
    {.zones = {"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij.x", "cluster.local"},
     .nzones = 2,
     .relative = true,
     .ttl = 5,
     .wildcards = {"nip.io", "sslip.io", "pod.cluster.local.example"},
     .nwildcards = 3,
     .allow = {"192.168.0.0/16"},
     .nallow = 1},
};
#define NCONFS (sizeof confs / sizeof confs[0])

static struct podip_conf built[NCONFS];

static const char *kind_text(int k)
{
    static const char *const text[] = {"PASS", "NXDOMAIN", "NODATA", "ADDRESS"};
    return k >= 0 && k < 4 ? text[k] : "?";
}

static void fail(const char *name, unsigned c, const char *what, int got, int want)
{
    fprintf(stderr, "fuzz_name: conf %u, name \"%s\": %s: got %s, want %s\n", c, name, what,
            kind_text(got), kind_text(want));
    abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    for (unsigned i = 0; i < NCONFS; i++)
        ref_to_conf(&confs[i], &built[i]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned c = data[0] % NCONFS;
    size_t n = strnlen((const char *)data + 1, size - 1);
    char *name = malloc(n + 1); /* exactly sized, so ASan sees any overread */
    memcpy(name, data + 1, n);
    name[n] = '\0';

    struct podip_outcome o;
    memset(&o, 0xa5, sizeof o);
    enum podip_kind k = podip_classify(name, &built[c], &o);
    struct ref_answer want;
    ref_classify(&confs[c], name, &want);

    if (k != o.kind)
        fail(name, c, "returned kind differs from out->kind", (int)k, (int)o.kind);
    /* both enums list PASS, NXDOMAIN, NODATA, ADDRESS in that order */
    if ((int)k != (int)want.kind)
        fail(name, c, "outcome", (int)k, (int)want.kind);
    if (o.namelen != (n > 0 && name[n - 1] == '.' ? n - 1 : n))
        fail(name, c, "namelen", (int)k, (int)k);
    if (k == PODIP_ADDRESS) {
        if (o.family != want.family)
            fail(name, c, "family", o.family, want.family);
        if (memcmp(o.addr, want.addr, o.family == AF_INET ? 4 : 16) != 0)
            fail(name, c, "address", (int)k, (int)k);
    }
    free(name);
    return 0;
}
