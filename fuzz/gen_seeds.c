/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Write the fuzzers' seed corpus from the SPEC table, tests/cases.h, so the
 * seeds follow the table as it grows: gen_seeds DIR writes DIR/name/ and
 * DIR/nss/, one file an input, in the input layouts of fuzz_name.c and
 * fuzz_nss.c. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../tests/cases.h"

static void put(const char *dir, const char *kind, size_t row, int variant, const uint8_t *head,
                size_t hlen, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s/row%03zu-%d", dir, kind, row, variant);
    FILE *f = fopen(path, "wb");
    if (f == NULL || fwrite(head, 1, hlen, f) != hlen || fputs(name, f) == EOF || fclose(f) != 0) {
        perror(path);
        exit(1);
    }
}

static void mkdir_p(const char *dir, const char *sub)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    if (mkdir(path, 0755) != 0 && errno != EEXIST) {
        perror(path);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: gen_seeds DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    mkdir_p(dir, "");
    mkdir_p(dir, "name");
    mkdir_p(dir, "nss");
    mkdir_p(dir, "conf");
    size_t rows = sizeof name_cases / sizeof name_cases[0];
    for (size_t i = 0; i < rows; i++) {
        const char *name = name_cases[i].name;
        /* fuzz_name: [configuration] name; the defaults and one other */
        uint8_t conf = 0;
        put(dir, "name", i, 0, &conf, 1, name);
        conf = (uint8_t)(1 + i % 3);
        put(dir, "name", i, 1, &conf, 1, name);
        /* fuzz_nss: [entry] [family] [buflen lo, hi] [misalignment] name;
         * every entry point and family, an ample and a tight buffer */
        for (int v = 0; v < 4; v++) {
            size_t buflen = v % 2 == 0 ? 1024 : strlen(name) + 24 + (size_t)v;
            uint8_t head[5] = {(uint8_t)((i + (size_t)v) % 5 | (v & 2 ? 0x80 : 0)),
                               (uint8_t)(v % 3), (uint8_t)(buflen & 0xff), (uint8_t)(buflen >> 8),
                               (uint8_t)((i * 3 + (size_t)v) % 16)};
            put(dir, "nss", i, v, head, sizeof head, name);
        }
    }
    /* fuzz_conf: [syntax] [chunking] text; each directive of SPEC §6, good and bad */
    static const char *const confs[] = {
        "zone cluster.local\nzone K8s.Example.COM.\n",
        "# comment\n  zone   a.b  # trailing\nrelative no\ndetect-zones yes\n",
        "namespace default\nnamespace kube-system\nnamespace Bad_NS\n",
        "allow 10.42.0.0/16\nallow fd00:10:244::/52\nallow 10.0.0.1/33\nallow ::/0\n",
        "ttl 0\nttl 3600\nttl 3601\nttl -1\nttl 99999999999999999999\n",
        "wildcard nip.io\nwildcard sslip.io.\nwildcard ..\n",
        "bogus line\nzone\nzone a b\n\r\n\tzone x\x01y\n",
    };
    static const char *const resolvs[] = {
        "nameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local "
        "cluster.local\noptions ndots:5\n",
        "domain example.com\nsearch svc.k8s.example.com svc.\n",
    };
    uint8_t head[2] = {0, 0};
    for (size_t i = 0; i < sizeof confs / sizeof confs[0]; i++) {
        head[1] = (uint8_t)(i * 37);
        put(dir, "conf", i, 0, head, sizeof head, confs[i]);
    }
    head[0] = 1;
    for (size_t i = 0; i < sizeof resolvs / sizeof resolvs[0]; i++)
        put(dir, "conf", i, 1, head, sizeof head, resolvs[i]);
    return 0;
}
