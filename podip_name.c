/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name classification (SPEC §1-§3): a name and a configuration snapshot in,
 * an outcome out. Pure: no I/O, no allocation, no copy of the name. */
#include "podip_name.h"

#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* What a byte may be in a label: one table lookup for each test below. */
enum { ALNUM = 1, NS = 2 /* in a namespace: ALNUM or '-' */, HEX = 4 };
static const uint8_t byte_class[256] = {
    ['0' ... '9'] = ALNUM | NS | HEX, ['a' ... 'f'] = ALNUM | NS | HEX,
    ['A' ... 'F'] = ALNUM | NS | HEX, ['g' ... 'z'] = ALNUM | NS,
    ['G' ... 'Z'] = ALNUM | NS,       ['-'] = NS,
};

static bool is(char c, unsigned class)
{
    return byte_class[(unsigned char)c] & class;
}

static bool is_digit(char c)
{
    return (unsigned)(c - '0') < 10;
}

static unsigned char lower(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 'A' && u <= 'Z' ? (unsigned char)(u + ('a' - 'A')) : u;
}

/* Whether the LEN bytes at S are the lowercase text T, ignoring case. Names
 * nearly always come lowercase, as T is stored: then memcmp says so at once. */
static inline bool equal_ci(const char *s, const char *t, size_t len)
{
    if (memcmp(s, t, len) == 0)
        return true;
    for (size_t i = 0; i < len; i++)
        if (lower(s[i]) != (unsigned char)t[i])
            return false;
    return true;
}

static int hex_value(char c)
{
    if (!is(c, HEX))
        return -1;
    return is_digit(c) ? c - '0' : lower(c) - 'a' + 10;
}

/* Four decimal parts 0-255 joined by SEP, no sign, no leading zero (SPEC
 * §2 rule 1; SEP is '.' for a wildcard domain's A.B.C.D). */
static bool parse_ipv4(const char *s, size_t len, char sep, uint8_t addr[4])
{
    const char *end = s + len;
    for (int part = 0; part < 4; part++) {
        if (s == end || !is_digit(*s))
            return false;
        /* one digit, and up to two more unless it is a 0 */
        unsigned v = (unsigned)(*s++ - '0');
        if (v != 0 && s != end && is_digit(*s)) {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (s != end && is_digit(*s))
                v = v * 10 + (unsigned)(*s++ - '0');
        }
        if (v > 255)
            return false;
        addr[part] = (uint8_t)v;
        if (part < 3 && (s == end || *s++ != sep))
            return false;
    }
    return s == end;
}

/* The label with each '-' read as ':' (SPEC §2 rule 2): groups of 1-4 hex
 * digits, at most one "::", nothing else. */
static bool parse_ipv6(const char *s, size_t len, uint8_t addr[16])
{
    uint16_t groups[8];
    int n = 0, gap = -1; /* gap: how many groups stand before the "::" */
    size_t i = 0;
    if (len >= 2 && s[0] == '-' && s[1] == '-') {
        gap = 0;
        i = 2;
    }
    while (i < len) {
        size_t start = i;
        unsigned v = 0;
        int h;
        while (i < len && i - start < 4 && (h = hex_value(s[i])) >= 0) {
            v = v * 16 + (unsigned)h;
            i++;
        }
        if (i == start || n == 8)
            return false;
        groups[n++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i++] != '-' || i == len)
            return false; /* a fifth digit, another byte, or a '-' at the end */
        if (s[i] == '-') {
            if (gap >= 0)
                return false;
            gap = n;
            i++;
        }
    }
    if (gap < 0 ? n != 8 : n > 7)
        return false;

    memset(addr, 0, 16);
    for (int g = 0; g < n; g++) {
        int at = gap < 0 || g < gap ? g : 8 - n + g; /* after the "::", from the end */
        addr[2 * at] = (uint8_t)(groups[g] >> 8);
        addr[2 * at + 1] = (uint8_t)groups[g];
    }
    return true;
}

/* SPEC §2 reads a label with exactly three '-' and no "--" as IPv4, any
 * other as IPv6. parse_ipv4 takes only labels of that shape, and a label of
 * that shape is no IPv6 address (four groups, no "::"), so trying one, then
 * the other, is that rule. */
bool podip_parse_dashed(const char *s, size_t len, int *family, uint8_t addr[16])
{
    if (parse_ipv4(s, len, '-', addr)) {
        *family = AF_INET;
        return true;
    }
    if (!parse_ipv6(s, len, addr))
        return false;
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (memcmp(addr, mapped, sizeof mapped) == 0) {
        memmove(addr, addr + 12, 4); /* SPEC §2 rule 3 */
        *family = AF_INET;
    } else {
        *family = AF_INET6;
    }
    return true;
}

bool podip_namespace_valid(const char *s, size_t len)
{
    if (len < 1 || len > PODIP_LABEL_MAX || !is(s[0], ALNUM) || !is(s[len - 1], ALNUM))
        return false;
    for (size_t i = 1; i + 1 < len; i++)
        if (!is(s[i], NS))
            return false;
    return true;
}

static bool namespace_listed(const struct podip_conf *conf, const char *s, size_t len)
{
    if (conf->nnamespaces == 0)
        return true;
    for (unsigned i = 0; i < conf->nnamespaces; i++)
        if (conf->namespaces[i].len == len && equal_ci(s, conf->namespaces[i].text, len))
            return true;
    return false;
}

static bool address_allowed(const struct podip_conf *conf, int family, const uint8_t *addr)
{
    if (conf->nallow == 0)
        return true;
    for (unsigned i = 0; i < conf->nallow; i++) {
        const struct podip_cidr *c = &conf->allow[i];
        unsigned whole = c->prefix / 8, rest = c->prefix % 8;
        if (c->family != family || memcmp(addr, c->addr, whole) != 0)
            continue;
        if (rest == 0 || ((addr[whole] ^ c->addr[whole]) & (0xff00 >> rest) & 0xff) == 0)
            return true;
    }
    return false;
}

static enum podip_kind settle(struct podip_outcome *out, enum podip_kind kind, enum podip_why why)
{
    out->kind = kind;
    out->why = why;
    return kind;
}

/* Whether NAME (N bytes) is domain D or ends with "." D: the length of what
 * stands before D and its dot (0 for D itself), or -1. */
static inline long before_domain(const char *name, size_t n, const struct podip_domain *d)
{
    if (n == d->len)
        return equal_ci(name, d->text, n) ? 0 : -1;
    if (n < d->len + 2u || name[n - d->len - 1] != '.' || !equal_ci(name + n - d->len, d->text, d->len))
        return -1;
    return (long)(n - d->len - 1);
}

/* A name under pod.ZONE (SPEC §1): NAME's first HEAD bytes stand before
 * ".pod.ZONE" (or, relative, before ".pod"); FULL is the whole name's length,
 * completed with its zone if relative. Right to left: the namespace, the
 * address label, up to two labels that are ignored. */
static enum podip_kind classify_pod(const char *name, size_t head, size_t full,
                                    const struct podip_conf *conf, struct podip_outcome *out)
{
    if (full > PODIP_NAME_MAX)
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAME_TOO_LONG);
    if (head == 0)
        return settle(out, PODIP_NODATA, PODIP_WHY_POD_ZONE); /* pod.ZONE itself */

    const char *label[4];
    size_t len[4];
    unsigned count = 0;
    const char *end = name + head;
    for (;;) {
        const char *dot = memrchr(name, '.', (size_t)(end - name));
        const char *start = dot != NULL ? dot + 1 : name;
        if (start == end)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_EMPTY_LABEL);
        if (end - start > PODIP_LABEL_MAX)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_LABEL_TOO_LONG);
        if (count == 4)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_TOO_MANY_LABELS);
        label[count] = start;
        len[count++] = (size_t)(end - start);
        if (dot == NULL)
            break;
        end = dot;
    }

    if (!podip_namespace_valid(label[0], len[0]))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_BAD_NAMESPACE);
    if (!namespace_listed(conf, label[0], len[0]))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAMESPACE_DENIED);
    if (count == 1)
        return settle(out, PODIP_NODATA, PODIP_WHY_POD_ZONE); /* NAMESPACE.pod.ZONE */
    if (!podip_parse_dashed(label[1], len[1], &out->family, out->addr))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_BAD_ADDRESS);
    if (!address_allowed(conf, out->family, out->addr))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NOT_ALLOWED);
    return settle(out, PODIP_ADDRESS, PODIP_WHY_POD);
}

/* A name under a `wildcard` domain (SPEC §6), HEAD bytes before it: the
 * address is its last label read by SPEC §2, or else its last four labels
 * as a dotted quad; none is PASS, so the domain's own records come from DNS. */
static enum podip_kind classify_wildcard(const char *name, size_t head, struct podip_outcome *out)
{
    size_t start = head;
    while (start > 0 && name[start - 1] != '.')
        start--;
    if (head - start <= PODIP_LABEL_MAX &&
        podip_parse_dashed(name + start, head - start, &out->family, out->addr))
        return settle(out, PODIP_ADDRESS, PODIP_WHY_WILDCARD);
    for (int dots = 0; start > 0 && dots < 3; dots++) /* back three more labels */
        for (start--; start > 0 && name[start - 1] != '.';)
            start--;
    out->family = AF_INET;
    if (parse_ipv4(name + start, head - start, '.', out->addr))
        return settle(out, PODIP_ADDRESS, PODIP_WHY_WILDCARD);
    return settle(out, PODIP_PASS, PODIP_WHY_WILDCARD_NONE);
}

/* Whether CONF may own a name ending in byte C, by its `ends` table: most
 * names a host looks up are not pod names, and this turns them away in one
 * test (a superset of what the classifier below answers, so always safe). */
static bool may_own(const struct podip_conf *conf, const char *name, size_t n)
{
    return n > 0 && conf->ends[(unsigned char)name[n - 1]];
}

enum podip_kind podip_classify(const char *name, const struct podip_conf *conf,
                               struct podip_outcome *out)
{
    size_t len = strlen(name);
    size_t n = len > 0 && name[len - 1] == '.' ? len - 1 : len; /* one trailing dot */
    out->namelen = n;
    out->relative = false;
    out->zone = -1;
    settle(out, PODIP_PASS, PODIP_WHY_NOT_OURS);
    if (!may_own(conf, name, n))
        return PODIP_PASS;
    /* glibc's dns source reads \DDD and \. as escapes: only DNS can answer
     * such a name as CoreDNS would (SPEC §1) */
    if (memchr(name, '\\', n) != NULL)
        return settle(out, PODIP_PASS, PODIP_WHY_ESCAPED);

    /* under pod.ZONE of the first zone that matches: HEAD bytes before it */
    long head = -1;
    unsigned z = 0;
    while (z < conf->nzones && (head = before_domain(name, n, &conf->zones[z])) < 0)
        z++;
    size_t full = n;
    /* or LABEL.NAMESPACE.pod, completed with the first zone as a pod's
     * search list would complete it: every zone gives the same answer (SPEC
     * §1). The completed name is NAME "." ZONE, and zones[0].text "pod." ZONE */
    if (head < 0 && n == len && conf->relative && conf->nzones > 0 && n > 4 &&
        equal_ci(name + n - 4, ".pod", 4) && memchr(name, '.', n - 4) != NULL) {
        head = (long)n - 4;
        full = n + conf->zones[0].len - 3;
        z = 0;
        out->relative = true;
    }
    if (head >= 0) {
        out->zone = (int)z;
        return classify_pod(name, (size_t)head, full, conf, out);
    }

    if (n > PODIP_NAME_MAX)
        return PODIP_PASS;
    for (unsigned w = 0; w < conf->nwildcards; w++) {
        long head = before_domain(name, n, &conf->wildcards[w]);
        if (head > 0) {
            out->zone = (int)w;
            return classify_wildcard(name, (size_t)head, out);
        }
    }
    return PODIP_PASS;
}
