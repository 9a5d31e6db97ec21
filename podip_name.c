/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Name classification (SPEC §1-§3): one pass from the right, no copies. */
#include "podip_name.h"

#include <string.h>
#include <sys/socket.h>

static inline unsigned char lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* What a byte may be in a label: one table lookup instead of range tests. */
enum { DIGIT = 1, ALNUM = 2, NS_CHAR = 4 /* may stand in a namespace */ };
static const uint8_t chars[256] = {
    ['0' ... '9'] = DIGIT | ALNUM | NS_CHAR,
    ['a' ... 'z'] = ALNUM | NS_CHAR,
    ['A' ... 'Z'] = ALNUM | NS_CHAR,
    ['-'] = NS_CHAR,
};

static bool is(char c, unsigned what)
{
    return chars[(unsigned char)c] & what;
}

static uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Eight bytes at once: each of 'A'-'Z' gets its case bit, all else stays. */
static uint64_t lower8(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101, high = 0x8080808080808080;
    uint64_t low7 = v & ~high;
    uint64_t at_least_a = low7 + (0x80 - 'A') * ones; /* high bit: byte >= 'A' */
    uint64_t above_z = low7 + (0x80 - 'Z' - 1) * ones; /* high bit: byte > 'Z' */
    uint64_t upper = at_least_a & ~above_z & ~v & high;
    return v | upper >> 2;
}

/* Names are nearly always lowercase already: compare before lowering. */
static bool equal8_ci(uint64_t s, uint64_t t)
{
    return s == t || lower8(s) == t;
}

/* Whether the LEN bytes at S equal the lowercase text T, ignoring case.
 * Domains are compared on every lookup, so eight bytes a step; the last
 * step overlaps the one before rather than going byte by byte. */
static bool equal_ci(const char *s, const char *t, size_t len)
{
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            if (lower((unsigned char)s[i]) != (unsigned char)t[i])
                return false;
        return true;
    }
    for (size_t i = 0; i + 8 < len; i += 8)
        if (!equal8_ci(load8(s + i), load8(t + i)))
            return false;
    return equal8_ci(load8(s + len - 8), load8(t + len - 8));
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
    unsigned d = (unsigned)c - '0';
    if (d <= 9)
        return (int)d;
    d = (unsigned)(c | 0x20) - 'a';
    return d <= 5 ? (int)d + 10 : -1;
}

/* Four decimal parts 0-255 joined by single '-', no leading zeros (SPEC §2). */
static bool parse_ipv4(const char *s, size_t len, uint8_t addr[4])
{
    const char *end = s + len;
    for (int part = 0; part < 4; part++) {
        if (part > 0 && (s == end || *s++ != '-'))
            return false;
        if (s == end || !is(*s, DIGIT))
            return false;
        unsigned v = (unsigned)(*s++ - '0');
        while (s != end && is(*s, DIGIT)) {
            if (v == 0)
                return false; /* a leading zero */
            v = v * 10 + (unsigned)(*s++ - '0');
            if (v > 255)
                return false;
        }
        addr[part] = (uint8_t)v;
    }
    return s == end;
}

/* parse_ipv4 for a label that a '.' ends: no length is needed, since the
 * '.' (or the NUL) stops every step, and a part has at most three digits,
 * so they are read without a loop. Returns where the parse stopped, or NULL. */
static const char *parse_ipv4_dotted(const char *s, uint8_t addr[4])
{
    for (int part = 0;; part++) {
        unsigned v = (unsigned char)s[0] - (unsigned)'0';
        if (v > 9)
            return NULL;
        unsigned d = (unsigned char)s[1] - (unsigned)'0';
        if (d > 9) {
            s += 1;
        } else if (v == 0) {
            return NULL; /* a leading zero */
        } else {
            v = v * 10 + d;
            d = (unsigned char)s[2] - (unsigned)'0';
            if (d > 9) {
                s += 2;
            } else {
                v = v * 10 + d;
                s += 3;
                if (v > 255)
                    return NULL;
            }
        }
        addr[part] = (uint8_t)v;
        if (part == 3)
            return s;
        if (*s++ != '-')
            return NULL;
    }
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

/* SPEC §2 picks IPv4 for exactly three '-' and no "--". Every label
 * parse_ipv4 takes has that shape, and none that parse_ipv6 takes does (it
 * needs seven '-' or a "--"), so trying one then the other picks the same
 * without counting the dashes first. */
bool podip_parse_dashed(const char *s, size_t len, int *family, uint8_t addr[16])
{
    if (parse_ipv4(s, len, addr)) {
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
        if (!is(s[i], NS_CHAR))
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

    /* The usual shape, a valid ADDRESS.NAMESPACE, in one pass: the
     * namespace is checked as it is scanned, and an address label that
     * parses holds no dot, so these are all the labels. Anything else takes
     * the full way below, which finds the first problem in SPEC order. */
    size_t at = len; /* where the namespace starts */
    while (at > 0 && is(name[at - 1], NS_CHAR))
        at--;
    if (at > 1 && name[at - 1] == '.' && len - at <= PODIP_LABEL_MAX && at < len &&
        is(name[at], ALNUM) && is(name[len - 1], ALNUM) &&
        (parse_ipv4_dotted(name, out->addr) == name + at - 1
             ? (out->family = AF_INET)
             : podip_parse_dashed(name, at - 1, &out->family, out->addr))) {
        if (!namespace_listed(conf, name + at, len - at))
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAMESPACE_DENIED);
        if (conf->nallow != 0 && !address_allowed(conf, out->family, out->addr))
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NOT_ALLOWED);
        return settle(out, PODIP_ADDRESS, PODIP_WHY_POD);
    }

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

/* c | 0x20 is c lowercased when c is a letter, and equals a lowercase
 * letter only when c is that letter in either case. */
static bool ends_with_pod(const char *name, size_t n)
{
    return n > 4 && name[n - 4] == '.' && (name[n - 3] | 0x20) == 'p' &&
           (name[n - 2] | 0x20) == 'o' && (name[n - 1] | 0x20) == 'd';
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
