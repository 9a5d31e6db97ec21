/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A second, deliberately slow reading of SPEC §1-§3 and §6 for the fuzzers and
 * the stress and hostile-name tests: lowercase a copy, split it into labels,
 * hand the address to inet_pton. It shares no code with podip_name.c, so a
 * disagreement points at a bug in one of the two. */
#ifndef TESTS_REFERENCE_H
#define TESTS_REFERENCE_H

#include <arpa/inet.h>
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../podip_conf.h"

enum ref_kind { REF_PASS, REF_NXDOMAIN, REF_NODATA, REF_ADDRESS };

struct ref_answer {
    enum ref_kind kind;
    int family;
    uint8_t addr[16];
};

/* A configuration written the way a person writes the file (SPEC §6). */
struct ref_conf {
    const char *zones[4]; /* cluster domains, lowercase, no trailing dot */
    unsigned nzones;
    bool relative;
    unsigned ttl;
    const char *namespaces[4];
    unsigned nnamespaces;
    const char *allow[4]; /* CIDR text */
    unsigned nallow;
    const char *wildcards[4];
    unsigned nwildcards;
};

static const struct ref_conf ref_defaults = {
    .zones = {"cluster.local"}, .nzones = 1, .relative = true, .ttl = 5};

static inline bool ref_ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

/* SPEC §2 on a label of LEN bytes. */
static inline bool ref_dashed(const char *label, size_t len, int *family, uint8_t addr[16])
{
    if (len == 0 || len > PODIP_LABEL_MAX)
        return false;
    char text[PODIP_LABEL_MAX + 1];
    unsigned dashes = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)label[i];
        if (c != '-' && !isxdigit(c))
            return false; /* keeps ':' '.' '%' and spaces away from inet_pton */
        dashes += c == '-';
        text[i] = (char)c;
    }
    text[len] = '\0';
    memset(addr, 0, 16);
    if (dashes == 3 && strstr(text, "--") == NULL) {
        for (size_t i = 0; i < len; i++) {
            if (text[i] == '-')
                text[i] = '.';
            else if (!isdigit((unsigned char)text[i]))
                return false;
            /* no leading zeros, whatever this libc's inet_pton thinks */
            bool starts = i == 0 || text[i - 1] == '.';
            if (starts && text[i] == '0' && i + 1 < len && text[i + 1] != '-')
                return false;
        }
        *family = AF_INET;
        return inet_pton(AF_INET, text, addr) == 1;
    }
    for (size_t i = 0; i < len; i++)
        if (text[i] == '-')
            text[i] = ':';
    if (inet_pton(AF_INET6, text, addr) != 1)
        return false;
    static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
    *family = AF_INET6;
    if (memcmp(addr, mapped, 12) == 0) {
        memmove(addr, addr + 12, 4);
        memset(addr + 4, 0, 12);
        *family = AF_INET;
    }
    return true;
}

static inline bool ref_namespace_ok(const char *s, size_t len)
{
    if (len < 1 || len > 63 || s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-'))
            return false;
    return true;
}

static inline bool ref_allowed(const struct ref_conf *c, int family, const uint8_t *addr)
{
    if (c->nallow == 0)
        return true;
    for (unsigned i = 0; i < c->nallow; i++) {
        char text[64];
        strcpy(text, c->allow[i]);
        char *slash = strchr(text, '/');
        *slash = '\0';
        unsigned prefix = (unsigned)atoi(slash + 1);
        uint8_t net[16];
        int f = strchr(text, ':') ? AF_INET6 : AF_INET;
        if (f != family || inet_pton(f, text, net) != 1)
            continue;
        bool in = true;
        for (unsigned bit = 0; bit < prefix; bit++) {
            unsigned mask = 0x80u >> (bit % 8);
            if ((addr[bit / 8] & mask) != (net[bit / 8] & mask))
                in = false;
        }
        if (in)
            return true;
    }
    return false;
}

/* HEAD is what stands left of ".pod.ZONE"; FULL the completed name's length. */
static inline enum ref_kind ref_pod(const struct ref_conf *c, char *head, size_t full,
                                    struct ref_answer *out)
{
    if (full > PODIP_NAME_MAX)
        return REF_NXDOMAIN;
    char *labels[8];
    size_t nlabels = 0;
    for (char *p = head;; p++) {
        char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (len == 0 || len > PODIP_LABEL_MAX || nlabels == 4)
            return REF_NXDOMAIN;
        labels[nlabels++] = p;
        if (dot == NULL)
            break;
        *dot = '\0';
        p = dot;
    }
    const char *ns = labels[nlabels - 1];
    if (!ref_namespace_ok(ns, strlen(ns)))
        return REF_NXDOMAIN;
    bool listed = c->nnamespaces == 0;
    for (unsigned i = 0; i < c->nnamespaces; i++)
        listed |= strcmp(ns, c->namespaces[i]) == 0;
    if (!listed)
        return REF_NXDOMAIN;
    if (nlabels == 1)
        return REF_NODATA;
    const char *label = labels[nlabels - 2];
    if (!ref_dashed(label, strlen(label), &out->family, out->addr) ||
        !ref_allowed(c, out->family, out->addr))
        return REF_NXDOMAIN;
    return REF_ADDRESS;
}

/* `wildcard` (SPEC §6): the last label of HEAD by §2, else its last four
 * labels as a dotted quad, else PASS. */
static inline enum ref_kind ref_wildcard(char *head, struct ref_answer *out)
{
    char *last = strrchr(head, '.');
    last = last ? last + 1 : head;
    if (ref_dashed(last, strlen(last), &out->family, out->addr))
        return REF_ADDRESS;
    char *start = head + strlen(head);
    for (int dots = 0; start > head; start--)
        if (start[-1] == '.' && ++dots == 4)
            break;
    if (strlen(start) > 15)
        return REF_PASS;
    for (const char *p = start; *p; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return REF_PASS;
    for (const char *p = start; *p; p++)
        if (*p == '0' && (p == start || p[-1] == '.') && isdigit((unsigned char)p[1]))
            return REF_PASS;
    memset(out->addr, 0, 16);
    out->family = AF_INET;
    return inet_pton(AF_INET, start, out->addr) == 1 ? REF_ADDRESS : REF_PASS;
}

static inline enum ref_kind ref_classify_in(const struct ref_conf *c, char *s, size_t n,
                                            bool absolute, struct ref_answer *out)
{
    char suffix[PODIP_NAME_MAX + 8];
    /* the longest zone the name is in, as CoreDNS picks it */
    const char *zone = NULL;
    for (unsigned z = 0; z < c->nzones; z++) {
        snprintf(suffix, sizeof suffix, ".%s", c->zones[z]);
        bool in =
            strcmp(s, c->zones[z]) == 0 || (n > strlen(suffix) && ref_ends_with(s, n, suffix));
        if (in && (zone == NULL || strlen(c->zones[z]) > strlen(zone)))
            zone = c->zones[z];
    }
    if (zone != NULL) {
        snprintf(suffix, sizeof suffix, "pod.%s", zone);
        if (strcmp(s, suffix) == 0)
            return REF_NODATA;
        snprintf(suffix, sizeof suffix, ".pod.%s", zone);
        size_t k = strlen(suffix);
        if (n > k && ref_ends_with(s, n, suffix)) {
            s[n - k] = '\0';
            return ref_pod(c, s, n, out);
        }
    }
    /* LABEL.NAMESPACE.pod, completed with the first zone */
    if (!absolute && c->relative && c->nzones > 0 && n > 4 && ref_ends_with(s, n, ".pod")) {
        s[n - 4] = '\0';
        if (strchr(s, '.') != NULL)
            return ref_pod(c, s, n + 1 + strlen(c->zones[0]), out);
        s[n - 4] = '.';
    }
    if (n > PODIP_NAME_MAX)
        return REF_PASS;
    for (unsigned w = 0; w < c->nwildcards; w++) {
        snprintf(suffix, sizeof suffix, ".%s", c->wildcards[w]);
        size_t k = strlen(suffix);
        if (n > k && ref_ends_with(s, n, suffix)) {
            s[n - k] = '\0';
            return ref_wildcard(s, out);
        }
    }
    return REF_PASS;
}

/* The answer SPEC gives NAME under C (any family). */
static inline enum ref_kind ref_classify(const struct ref_conf *c, const char *name,
                                         struct ref_answer *out)
{
    size_t n = strlen(name);
    bool absolute = n > 0 && name[n - 1] == '.';
    if (absolute)
        n--;
    char *s = malloc(n + 1);
    if (s == NULL)
        abort();
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tolower((unsigned char)name[i]);
    s[n] = '\0';
    memset(out, 0, sizeof *out);
    /* a backslash: DNS text escapes, which only DNS decodes (SPEC §1) */
    out->kind = memchr(s, '\\', n) != NULL ? REF_PASS : ref_classify_in(c, s, n, absolute, out);
    free(s);
    if (out->kind != REF_ADDRESS)
        out->family = 0;
    return out->kind;
}

/* A podip_conf holding C, built through the conf unit's own adders where
 * they exist; namespaces and allow are filled in directly. */
static inline void ref_to_conf(const struct ref_conf *c, struct podip_conf *conf)
{
    podip_conf_defaults(conf);
    conf->nzones = 0;
    for (unsigned i = 0; i < c->nzones; i++)
        if (!podip_conf_add_zone(conf, c->zones[i], (unsigned)strlen(c->zones[i])))
            abort();
    conf->relative = c->relative;
    conf->ttl = c->ttl;
    conf->nnamespaces = c->nnamespaces;
    for (unsigned i = 0; i < c->nnamespaces; i++) {
        conf->namespaces[i].len = (uint8_t)strlen(c->namespaces[i]);
        strcpy(conf->namespaces[i].text, c->namespaces[i]);
    }
    conf->nallow = c->nallow;
    for (unsigned i = 0; i < c->nallow; i++) {
        char text[64];
        strcpy(text, c->allow[i]);
        char *slash = strchr(text, '/');
        *slash = '\0';
        struct podip_cidr *a = &conf->allow[i];
        memset(a, 0, sizeof *a);
        a->family = strchr(text, ':') ? AF_INET6 : AF_INET;
        a->prefix = (uint8_t)atoi(slash + 1);
        if (inet_pton(a->family, text, a->addr) != 1)
            abort();
    }
    for (unsigned i = 0; i < c->nwildcards; i++)
        if (!podip_conf_add_wildcard(conf, c->wildcards[i], (unsigned)strlen(c->wildcards[i])))
            abort();
}

#endif
