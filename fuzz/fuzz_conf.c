/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the configuration parser (SPEC §6) on arbitrary text,
 * as nss-podip.conf or as resolv.conf. The text is parsed whole and again in
 * chunks of fuzzed sizes (as the module reads a file); both must give the
 * same snapshot and the same reports, and every snapshot must be one the
 * classifier can trust: counts within their tables, domains and namespaces
 * well formed, prefixes and ttl in range.
 * Input: [syntax] [chunk size seed] text... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../podip_conf.h"
#include "../podip_name.h"

struct reports {
    unsigned count, last_line;
    unsigned long sum; /* of line numbers and lengths, to compare two runs */
};

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_conf: %s\n", what);
    abort();
}

static void on_report(void *ctx, unsigned line, const char *reason, const char *text, size_t len)
{
    struct reports *r = ctx;
    if (reason == NULL || reason[0] == '\0' || len > PODIP_LINE_MAX || (len > 0 && text == NULL))
        fail("a report without a reason, or with a line over PODIP_LINE_MAX");
    if (line < r->last_line || line == 0)
        fail("reports out of line order");
    for (size_t i = 0; i < len; i++)
        (void)*(volatile const char *)(text + i); /* readable to its end */
    r->count++;
    r->last_line = line;
    r->sum += line * 31 + len;
}

static void check_domain(const struct podip_domain *d, const char *prefix)
{
    size_t plen = strlen(prefix);
    if (d->len <= plen || d->len > PODIP_NAME_MAX || memcmp(d->text, prefix, plen) != 0)
        fail("a domain of bad length or prefix");
    unsigned label = 0;
    for (size_t i = plen; i < d->len; i++) {
        char c = d->text[i];
        if (c == '.') {
            if (label == 0)
                fail("an empty label in a domain");
            label = 0;
        } else if (++label > PODIP_LABEL_MAX ||
                   !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
            fail("a bad byte or long label in a domain");
        }
    }
    if (label == 0)
        fail("a domain ending in a dot");
}

static void check_conf(const struct podip_conf *c)
{
    if (c->nzones > PODIP_MAX_ZONES || c->nnamespaces > PODIP_MAX_NAMESPACES ||
        c->nallow > PODIP_MAX_ALLOW || c->nwildcards > PODIP_MAX_WILDCARDS)
        fail("a count beyond its table");
    if (c->ttl > 3600)
        fail("ttl over 3600");
    for (unsigned i = 0; i < c->nzones; i++)
        check_domain(&c->zones[i], "pod.");
    for (unsigned i = 0; i < c->nwildcards; i++)
        check_domain(&c->wildcards[i], "");
    for (unsigned i = 0; i < c->nnamespaces; i++) {
        if (!podip_namespace_valid(c->namespaces[i].text, c->namespaces[i].len))
            fail("a namespace Kubernetes could not create");
        for (unsigned j = 0; j < c->namespaces[i].len; j++)
            if (c->namespaces[i].text[j] >= 'A' && c->namespaces[i].text[j] <= 'Z')
                fail("a namespace not lowercased");
    }
    for (unsigned i = 0; i < c->nallow; i++) {
        const struct podip_cidr *a = &c->allow[i];
        if ((a->family != AF_INET && a->family != AF_INET6) ||
            a->prefix > (a->family == AF_INET ? 32 : 128))
            fail("an allow range of bad family or prefix");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    enum podip_syntax syntax = data[0] & 1 ? PODIP_SYNTAX_RESOLV : PODIP_SYNTAX_CONF;
    uint32_t x = data[1] * 2654435761u + 1;
    const char *text = (const char *)data + 2;
    size_t len = size - 2;

    /* whole: what `nss-podip check` and the tests do */
    static struct podip_conf whole, chunked;
    struct reports rw = {0}, rc = {0};
    podip_conf_defaults(&whole);
    podip_conf_parse(&whole, syntax, text, len, on_report, &rw);
    check_conf(&whole);

    /* in chunks, each copied to an exact-size block so overreads show */
    static struct podip_parser p;
    podip_conf_defaults(&chunked);
    podip_parser_init(&p, &chunked, syntax, on_report, &rc);
    for (size_t at = 0; at < len;) {
        x ^= x << 13, x ^= x >> 17, x ^= x << 5;
        size_t n = 1 + x % 64;
        if (n > len - at)
            n = len - at;
        char *chunk = malloc(n);
        memcpy(chunk, text + at, n);
        podip_parser_feed(&p, chunk, n);
        free(chunk);
        at += n;
    }
    podip_parser_end(&p);
    check_conf(&chunked);
    if (memcmp(&whole, &chunked, sizeof whole) != 0)
        fail("parsing in chunks gave another snapshot than parsing whole");
    if (rw.count != rc.count || rw.sum != rc.sum)
        fail("parsing in chunks gave other reports than parsing whole");

    /* and the classifier under it */
    static const char *const names[] = {"10-42-2-46.default.pod.cluster.local", "10-0-0-1.a.pod",
                                        "fd00--1.ns.pod.example.com", "1.2.3.4.nip.io"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct podip_outcome o;
        podip_classify(names[i], &whole, &o);
    }
    return 0;
}
