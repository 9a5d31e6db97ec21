/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name classification (SPEC §1-§3): one pass from the right, no copies. */
#include "podip_name.h"

#include <string.h>
#include <sys/socket.h>

static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Whether the LEN bytes at S equal the lowercase text T, ignoring case. */
static bool equal_ci(const char *s, const char *t, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (lower((unsigned char)s[i]) != (unsigned char)t[i])
            return false;
    return true;
}

/* Whether name[0..n) is D or ends with "." D. Returns the length of what
 * stands before D (without its dot), or -1; 0 means the name is D. */
static long strip_domain(const char *name, size_t n, const struct podip_domain *d)
{
    if (n < d->len)
        return -1;
    size_t head = n - d->len;
    if (head == 1 || (head > 1 && name[head - 1] != '.'))
        return -1;
    if (!equal_ci(name + head, d->text, d->len))
        return -1;
    return head == 0 ? 0 : (long)head - 1;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

static bool parse_ipv4(const char *s, size_t len, uint8_t addr[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= len || s[i] != '-')
                return false;
            i++;
        }
        size_t start = i;
        unsigned v = 0;
        while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 3)
            v = v * 10 + (unsigned)(s[i++] - '0');
        size_t digits = i - start;
        if (digits == 0 || v > 255 || (digits > 1 && s[start] == '0'))
            return false;
        addr[part] = (uint8_t)v;
    }
    return i == len;
}

/* The label with every '-' read as ':' (SPEC §2 rule 2). */
static bool parse_ipv6(const char *s, size_t len, uint8_t addr[16])
{
    uint16_t groups[8];
    int ngroups = 0, gap = -1;
    size_t i = 0;

    if (len >= 2 && s[0] == '-' && s[1] == '-') {
        gap = 0;
        i = 2;
    }
    while (i < len) {
        unsigned v = 0;
        size_t start = i;
        int h;
        while (i < len && i - start < 4 && (h = hexval((unsigned char)s[i])) >= 0) {
            v = v * 16 + (unsigned)h;
            i++;
        }
        if (i == start || ngroups == 8)
            return false;
        groups[ngroups++] = (uint16_t)v;
        if (i == len)
            break;
        if (s[i] != '-')
            return false; /* a fifth hex digit, or any other byte */
        i++;
        if (i < len && s[i] == '-') {
            if (gap >= 0)
                return false;
            gap = ngroups;
            i++;
        } else if (i == len) {
            return false; /* one trailing '-' */
        }
    }
    if (gap < 0 ? ngroups != 8 : ngroups > 7)
        return false;

    memset(addr, 0, 16);
    int tail = gap < 0 ? 0 : ngroups - gap;
    for (int g = 0; g < ngroups; g++) {
        int slot = (gap < 0 || g < gap) ? g : 8 - tail + (g - gap);
        addr[2 * slot] = (uint8_t)(groups[g] >> 8);
        addr[2 * slot + 1] = (uint8_t)groups[g];
    }
    return true;
}

bool podip_parse_dashed(const char *s, size_t len, int *family, uint8_t addr[16])
{
    unsigned dashes = 0;
    bool doubled = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-') {
            dashes++;
            if (i > 0 && s[i - 1] == '-')
                doubled = true;
        }
    }
    if (dashes == 3 && !doubled) {
        *family = AF_INET;
        return parse_ipv4(s, len, addr);
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
    if (len < 1 || len > PODIP_LABEL_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = lower((unsigned char)s[i]);
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && (c != '-' || i == 0 || i == len - 1))
            return false;
    }
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
        if (c->family != family)
            continue;
        unsigned whole = c->prefix / 8, rest = c->prefix % 8;
        if (memcmp(addr, c->addr, whole) != 0)
            continue;
        if (rest == 0 || ((addr[whole] ^ c->addr[whole]) & (0xff00 >> rest) & 0xff) == 0)
            return true;
    }
    return false;
}

static enum podip_kind settle(struct podip_outcome *out, enum podip_kind kind,
                              enum podip_why why)
{
    out->kind = kind;
    out->why = why;
    return kind;
}

/* The part left of ".pod.ZONE" (or of ".pod" for a relative name): up to
 * two ignored labels, the address label, the namespace (SPEC §1). */
static enum podip_kind classify_pod(const char *name, size_t len, size_t full,
                                     const struct podip_conf *conf,
                                     struct podip_outcome *out)
{
    if (full > PODIP_NAME_MAX)
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAME_TOO_LONG);

    /* Label boundaries, right to left: ends[k] is one past label k's end. */
    size_t starts[4], ends[4];
    unsigned nlabels = 0;
    size_t end = len;
    for (;;) {
        size_t start = end;
        while (start > 0 && name[start - 1] != '.')
            start--;
        if (start == end)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_EMPTY_LABEL);
        if (end - start > PODIP_LABEL_MAX)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_LABEL_TOO_LONG);
        if (nlabels == 4)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_TOO_MANY_LABELS);
        starts[nlabels] = start;
        ends[nlabels++] = end;
        if (start == 0)
            break;
        end = start - 1;
    }

    const char *ns = name + starts[0];
    size_t nslen = ends[0] - starts[0];
    if (!podip_namespace_valid(ns, nslen))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_BAD_NAMESPACE);
    if (!namespace_listed(conf, ns, nslen))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAMESPACE_DENIED);
    if (nlabels == 1)
        return settle(out, PODIP_NODATA, PODIP_WHY_POD_ZONE);
    if (!podip_parse_dashed(name + starts[1], ends[1] - starts[1], &out->family, out->addr))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_BAD_ADDRESS);
    if (!address_allowed(conf, out->family, out->addr))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NOT_ALLOWED);
    return settle(out, PODIP_ADDRESS, PODIP_WHY_POD);
}

/* Whether the four labels ending at END form a dotted quad A.B.C.D. */
static bool dotted_quad(const char *name, size_t end, uint8_t addr[4])
{
    size_t start = end;
    int dots = 0;
    while (start > 0 && (name[start - 1] != '.' || ++dots < 4))
        start--;
    if (dots < 3)
        return false;
    size_t len = end - start;
    char dashed[15];
    if (len > sizeof dashed)
        return false;
    for (size_t i = 0; i < len; i++)
        dashed[i] = name[start + i] == '.' ? '-' : name[start + i];
    return parse_ipv4(dashed, len, addr);
}

/* `wildcard` domains (SPEC §6): the address is the rightmost label, read by
 * SPEC §2, or else the four rightmost labels as a dotted quad. */
static enum podip_kind classify_wildcard(const char *name, size_t head,
                                          struct podip_outcome *out)
{
    size_t start = head;
    while (start > 0 && name[start - 1] != '.')
        start--;
    if (head - start <= PODIP_LABEL_MAX &&
        podip_parse_dashed(name + start, head - start, &out->family, out->addr))
        return settle(out, PODIP_ADDRESS, PODIP_WHY_WILDCARD);
    if (dotted_quad(name, head, out->addr)) {
        out->family = AF_INET;
        return settle(out, PODIP_ADDRESS, PODIP_WHY_WILDCARD);
    }
    return settle(out, PODIP_PASS, PODIP_WHY_WILDCARD_NONE);
}

static bool ends_with_pod(const char *name, size_t n)
{
    return n > 4 && name[n - 4] == '.' && equal_ci(name + n - 3, "pod", 3);
}

enum podip_kind podip_classify(const char *name, const struct podip_conf *conf,
                               struct podip_outcome *out)
{
    size_t n = strlen(name);
    bool absolute = n > 0 && name[n - 1] == '.';
    if (absolute)
        n--;
    out->namelen = n;
    out->relative = false;
    out->zone = -1;
    settle(out, PODIP_PASS, PODIP_WHY_NOT_OURS);

    for (unsigned z = 0; z < conf->nzones; z++) {
        long head = strip_domain(name, n, &conf->zones[z]);
        if (head < 0)
            continue;
        out->zone = (int)z;
        if (head == 0) {
            if (n > PODIP_NAME_MAX)
                return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAME_TOO_LONG);
            return settle(out, PODIP_NODATA, PODIP_WHY_POD_ZONE);
        }
        return classify_pod(name, (size_t)head, n, conf, out);
    }

    /* LABEL.NAMESPACE.pod, completed with the first zone as a pod's search
     * list would; every zone gives the same answer (SPEC §1). */
    if (!absolute && conf->relative && conf->nzones > 0 && ends_with_pod(name, n)) {
        size_t head = n - 4;
        if (memchr(name, '.', head) != NULL) {
            out->zone = 0;
            out->relative = true;
            /* the completed name is NAME "." ZONE; zones[0].text is "pod." ZONE */
            size_t full = n + conf->zones[0].len - 3;
            return classify_pod(name, head, full, conf, out);
        }
    }

    if (n > PODIP_NAME_MAX)
        return PODIP_PASS;
    for (unsigned w = 0; w < conf->nwildcards; w++) {
        long head = strip_domain(name, n, &conf->wildcards[w]);
        if (head <= 0)
            continue;
        out->zone = (int)w;
        return classify_wildcard(name, (size_t)head, out);
    }
    return PODIP_PASS;
}
