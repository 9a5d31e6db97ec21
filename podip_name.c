/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name classification (SPEC §1-§3): a name and a configuration snapshot in,
 * an outcome out. Pure: no I/O, no allocation, no copy of the name. */
#include "podip_name.h"

#include <string.h>
#include <sys/socket.h>

#include "podip_lex.h"

static int hex_value(char c)
{
    if (!podip_is(c, PODIP_HEX))
        return -1;
    return podip_is(c, PODIP_DIGIT) ? c - '0' : podip_lower(c) - 'a' + 10;
}

/* Four decimal parts 0-255 joined by SEP, no sign, no leading zero (SPEC
 * §2 rule 1; SEP is '.' for a wildcard domain's A.B.C.D). */
static bool parse_ipv4(const char *s, size_t len, char sep, uint8_t addr[4])
{
    const char *end = s + len;
    for (int part = 0; part < 4; part++) {
        if (s == end || !podip_is(*s, PODIP_DIGIT))
            return false;
        /* one digit, and up to two more unless it is a 0 */
        unsigned v = (unsigned)(*s++ - '0');
        if (v != 0 && s != end && podip_is(*s, PODIP_DIGIT)) {
            v = v * 10 + (unsigned)(*s++ - '0');
            if (s != end && podip_is(*s, PODIP_DIGIT))
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

/* SPEC §2: a label with exactly three '-' and no "--" is read as IPv4, any
 * other as IPv6. */
static int dashed_form(const char *s, size_t len)
{
    unsigned dashes = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '-')
            continue;
        if (i > 0 && s[i - 1] == '-')
            return AF_INET6;
        dashes++;
    }
    return dashes == 3 ? AF_INET : AF_INET6;
}

/* The dashed address label S (LEN bytes) into OUT's family, address and
 * `mapped` (SPEC §2); false when it is none, with the family SPEC §2 read
 * it as. parse_ipv4 takes only labels of dashed_form AF_INET, and such a
 * label is no IPv6 address (four groups, no "::"), so trying one parser,
 * then the other, is that rule; the form is worked out only for a label
 * that is neither, for an explanation. */
static bool parse_dashed(const char *s, size_t len, struct podip_outcome *out)
{
    out->family = AF_INET;
    if (parse_ipv4(s, len, '-', out->addr))
        return true;
    if (!parse_ipv6(s, len, out->addr)) {
        out->family = dashed_form(s, len);
        return false;
    }
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    out->mapped = memcmp(out->addr, mapped, sizeof mapped) == 0;
    if (out->mapped)
        memmove(out->addr, out->addr + 12, 4); /* rule 3 */
    else
        out->family = AF_INET6;
    return true;
}

static bool namespace_listed(const struct podip_conf *conf, const char *s, size_t len)
{
    if (conf->nnamespaces == 0)
        return true;
    for (unsigned i = 0; i < conf->nnamespaces; i++)
        if (conf->namespaces[i].len == len && podip_equal_ci(s, conf->namespaces[i].text, len))
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

/* Whether NAME (N bytes) is the domain D (LEN bytes, lowercase) or ends
 * with "." D: the length of what stands before D and its dot (0 for D
 * itself), or -1. */
static long before_domain(const char *name, size_t n, const char *d, size_t len)
{
    if (n == len)
        return podip_equal_ci(name, d, n) ? 0 : -1;
    if (n < len + 2 || name[n - len - 1] != '.' || !podip_equal_ci(name + n - len, d, len))
        return -1;
    return (long)(n - len - 1);
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

    const char *end = name + head;
    for (;;) {
        const char *dot = memrchr(name, '.', (size_t)(end - name));
        const char *start = dot != NULL ? dot + 1 : name;
        if (start == end)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_EMPTY_LABEL);
        if (end - start > PODIP_LABEL_MAX)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_LABEL_TOO_LONG);
        if (out->nlabels == 4)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_TOO_MANY_LABELS);
        out->label[out->nlabels++] =
            (struct podip_span){(uint16_t)(start - name), (uint16_t)(end - start)};
        if (dot == NULL)
            break;
        end = dot;
    }

    const char *ns = name + out->label[0].at;
    if (!podip_namespace_valid(ns, out->label[0].len))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_BAD_NAMESPACE);
    if (!namespace_listed(conf, ns, out->label[0].len))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAMESPACE_DENIED);
    if (out->nlabels == 1)
        return settle(out, PODIP_NODATA, PODIP_WHY_POD_ZONE); /* NAMESPACE.pod.ZONE */
    if (!parse_dashed(name + out->label[1].at, out->label[1].len, out))
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
    if (head - start <= PODIP_LABEL_MAX && parse_dashed(name + start, head - start, out))
        return settle(out, PODIP_ADDRESS, PODIP_WHY_WILDCARD);
    for (int dots = 0; start > 0 && dots < 3; dots++) /* back three more labels */
        for (start--; start > 0 && name[start - 1] != '.';)
            start--;
    out->family = AF_INET;
    if (parse_ipv4(name + start, head - start, '.', out->addr))
        return settle(out, PODIP_ADDRESS, PODIP_WHY_WILDCARD);
    return settle(out, PODIP_PASS, PODIP_WHY_WILDCARD_NONE);
}

enum podip_kind podip_classify(const char *name, const struct podip_conf *conf,
                               struct podip_outcome *out)
{
    size_t len = strlen(name);
    size_t n = len > 0 && name[len - 1] == '.' ? len - 1 : len; /* one trailing dot */
    out->namelen = n;
    out->mapped = false;
    out->relative = false;
    out->zone = out->wildcard = -1;
    out->nlabels = 0;
    if (n == 0 || !conf->ends[(unsigned char)name[n - 1]])
        return settle(out, PODIP_PASS,
                      n > PODIP_NAME_MAX ? PODIP_WHY_NAME_TOO_LONG : PODIP_WHY_NOT_OURS);
    /* glibc's dns source reads \DDD and \. as escapes: only DNS can answer
     * such a name as CoreDNS would (SPEC §1) */
    if (memchr(name, '\\', n) != NULL)
        return settle(out, PODIP_PASS, PODIP_WHY_ESCAPED);

    /* the first zone the name is in, longest first, is the one CoreDNS
     * picks: under its pod.ZONE (HEAD bytes before it) a pod name, else not
     * the module's (SPEC §1) */
    for (unsigned i = 0; i < conf->nzones; i++) {
        const struct podip_domain *d = &conf->zones[conf->by_length[i]];
        long head = before_domain(name, n, d->text, d->len);
        if (head >= 0) {
            out->zone = conf->by_length[i];
            return classify_pod(name, (size_t)head, n, conf, out);
        }
        size_t len;
        const char *domain = podip_zone_domain(d, &len);
        if (before_domain(name, n, domain, len) >= 0)
            break;
    }
    /* or LABEL.NAMESPACE.pod, completed with the first zone as a pod's
     * search list would complete it: every zone gives the same answer (SPEC
     * §1). The completed name is NAME "." ZONE, and zones[0].text "pod." ZONE */
    if (n == len && conf->nzones > 0 && n > 4 && podip_equal_ci(name + n - 4, ".pod", 4) &&
        memchr(name, '.', n - 4) != NULL) {
        if (!conf->relative)
            return settle(out, PODIP_PASS, PODIP_WHY_RELATIVE_OFF);
        out->zone = 0;
        out->relative = true;
        return classify_pod(name, n - 4, n + conf->zones[0].len - 3, conf, out);
    }

    if (n > PODIP_NAME_MAX)
        return settle(out, PODIP_PASS, PODIP_WHY_NAME_TOO_LONG);
    for (unsigned w = 0; w < conf->nwildcards; w++) {
        const struct podip_domain *d = &conf->wildcards[w];
        long head = before_domain(name, n, d->text, d->len);
        if (head > 0) {
            out->wildcard = (int)w;
            return classify_wildcard(name, (size_t)head, out);
        }
    }
    return settle(out, PODIP_PASS, PODIP_WHY_NOT_OURS);
}
