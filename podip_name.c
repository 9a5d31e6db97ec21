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

static inline bool is(char c, unsigned what)
{
    return chars[(unsigned char)c] & what;
}

static inline uint64_t load8(const char *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Eight bytes at once: each of 'A'-'Z' gets its case bit, all else stays. */
static inline uint64_t lower8(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101, high = 0x8080808080808080;
    uint64_t low7 = v & ~high;
    uint64_t at_least_a = low7 + (0x80 - 'A') * ones; /* high bit: byte >= 'A' */
    uint64_t above_z = low7 + (0x80 - 'Z' - 1) * ones; /* high bit: byte > 'Z' */
    uint64_t upper = at_least_a & ~above_z & ~v & high;
    return v | upper >> 2;
}

/* Whether the LEN bytes at S equal the lowercase text T, ignoring case. */
static bool equal_folded(const char *s, const char *t, size_t len)
{
    if (len < 8) {
        for (size_t i = 0; i < len; i++)
            if (lower((unsigned char)s[i]) != (unsigned char)t[i])
                return false;
        return true;
    }
    for (size_t i = 0; i + 8 < len; i += 8)
        if (lower8(load8(s + i)) != load8(t + i))
            return false;
    return lower8(load8(s + len - 8)) == load8(t + len - 8);
}

/* equal_folded(), for names nearly always lowercase already: domains are
 * compared on every lookup, so first as they are, eight bytes a step, the
 * last eight first (where two zones differ most); the step before them
 * overlaps them rather than going byte by byte. */
static inline bool equal_ci(const char *s, const char *t, size_t len)
{
    if (len < 8 || load8(s + len - 8) != load8(t + len - 8))
        return equal_folded(s, t, len);
    for (size_t i = 0; i + 8 < len; i += 8)
        if (load8(s + i) != load8(t + i))
            return equal_folded(s, t, len);
    return true;
}

/* Whether name[0..n) is D or ends with "." D. Returns the length of what
 * stands before D (without its dot), or -1; 0 means the name is D. */
static inline long strip_domain(const char *name, size_t n, const struct podip_domain *d)
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

/* A digit's value; every other byte is worth NOT_DIGIT, so large that any
 * number with it in is out of range, which one compare then tells. */
enum { NOT_DIGIT = 200 };
static const uint8_t digit_value[256] = {
    [0 ... '0' - 1] = NOT_DIGIT,
    ['0'] = 0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ['9' + 1 ... 255] = NOT_DIGIT,
};

/* One part of a dashed IPv4 address at S, 0-255 without a leading zero,
 * which the byte SEP must end. A part has at most three digits, so they
 * are read without a loop, each end looked for before the next digit.
 * Two digits make 10-99 and three 100-255 exactly when none is a
 * NOT_DIGIT and the first is no leading zero. Returns where SEP is, or
 * NULL. */
static inline const char *ipv4_part(const char *s, char sep, uint8_t *part)
{
    unsigned a = digit_value[(unsigned char)s[0]];
    if (a > 9)
        return NULL;
    if (s[1] == sep) {
        *part = (uint8_t)a;
        return s + 1;
    }
    unsigned ab = a * 10 + digit_value[(unsigned char)s[1]];
    if (ab - 10 > 99 - 10)
        return NULL;
    if (s[2] == sep) {
        *part = (uint8_t)ab;
        return s + 2;
    }
    unsigned abc = ab * 10 + digit_value[(unsigned char)s[2]];
    if (abc > 255 || s[3] != sep)
        return NULL;
    *part = (uint8_t)abc;
    return s + 3;
}

/* parse_ipv4 for a label that a '.' ends: no length is needed, since a
 * '-' or that '.' must end each part. Returns where the '.' is, or NULL. */
static inline const char *parse_ipv4_dotted(const char *s, uint8_t addr[4])
{
    if ((s = ipv4_part(s, '-', &addr[0])) == NULL || (s = ipv4_part(s + 1, '-', &addr[1])) == NULL ||
        (s = ipv4_part(s + 1, '-', &addr[2])) == NULL)
        return NULL;
    return ipv4_part(s + 1, '.', &addr[3]);
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

static inline enum podip_kind settle(struct podip_outcome *out, enum podip_kind kind,
                              enum podip_why why)
{
    out->kind = kind;
    out->why = why;
    return kind;
}

/* The usual pod name, a valid IPv4 ADDRESS.NAMESPACE in name[0..len), in
 * one pass from the left: the address is read up to its '.', then the rest
 * must be one valid namespace label (NS_CHAR holds no '.'), so these are
 * all the labels. Returns the namespace, or NULL for anything else (which
 * classify_pod's full way then judges). name[len] is a '.', which stops
 * the address parse within the name. */
static inline const char *usual_pod(const char *name, size_t len, struct podip_outcome *out)
{
    const char *end = name + len;
    const char *dot = parse_ipv4_dotted(name, out->addr);
    if (dot == NULL)
        return NULL;
    /* the namespace: NS_CHAR bytes up to the '.' at `end`, not empty, the
     * first and the last not '-'. A '.' ends the scan, so if the address
     * ran up to `end`, it stops past it, on the zone, and c != end. */
    const char *ns = dot + 1, *c = ns;
    if (*ns == '-')
        return NULL;
    while (is(*c, NS_CHAR))
        c++;
    /* one unsigned compare: not empty, and at most PODIP_LABEL_MAX */
    if (c != end || (size_t)(end - ns) - 1 >= PODIP_LABEL_MAX || end[-1] == '-')
        return NULL;
    out->family = AF_INET;
    return ns;
}

/* A valid pod name with its address in OUT: the `namespace` and `allow`
 * lines decide (SPEC §6). */
static inline __attribute__((always_inline)) enum podip_kind
answer_pod(const struct podip_conf *conf, const char *ns, size_t nslen, struct podip_outcome *out)
{
    /* the counts first: most configurations have neither line */
    if (conf->nnamespaces != 0 && !namespace_listed(conf, ns, nslen))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAMESPACE_DENIED);
    if (conf->nallow != 0 && !address_allowed(conf, out->family, out->addr))
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NOT_ALLOWED);
    return settle(out, PODIP_ADDRESS, PODIP_WHY_POD);
}

/* classify_pod() for the names that usual_pod() leaves: other valid shapes
 * (IPv6 above all), and every invalid one. */
static enum podip_kind classify_other_pod(const char *name, size_t len,
                                           const struct podip_conf *conf,
                                           struct podip_outcome *out)
{
    /* A valid ADDRESS.NAMESPACE without the label walk: the namespace is
     * scanned from the right, then the label before it must be the address
     * and start the name. Anything else takes the full way below, which
     * finds the first problem in SPEC order. */
    size_t at = len; /* where the namespace starts */
    while (at > 0 && is(name[at - 1], NS_CHAR))
        at--;
    if (at > 1 && name[at - 1] == '.' && len - at <= PODIP_LABEL_MAX && at < len &&
        is(name[at], ALNUM) && is(name[len - 1], ALNUM) &&
        podip_parse_dashed(name, at - 1, &out->family, out->addr))
        return answer_pod(conf, name + at, len - at, out);

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

/* The part left of ".pod.ZONE" (or of ".pod" for a relative name),
 * name[0..len): up to two ignored labels, the address label, the namespace
 * (SPEC §1). FULL is the length of the whole name, completed if relative. */
static inline enum podip_kind classify_pod(const char *name, size_t len, size_t full,
                                            const struct podip_conf *conf,
                                            struct podip_outcome *out)
{
    if (full > PODIP_NAME_MAX)
        return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAME_TOO_LONG);
    const char *ns = usual_pod(name, len, out);
    if (ns != NULL)
        return answer_pod(conf, ns, (size_t)(name + len - ns), out);
    return classify_other_pod(name, len, conf, out);
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
    size_t len = strlen(name);
    size_t n = podip_may_own(name, len, conf);
    if (n == 0) {
        out->namelen = len > 0 && name[len - 1] == '.' ? len - 1 : len;
        out->relative = false;
        out->zone = -1;
        return settle(out, PODIP_PASS, PODIP_WHY_NOT_OURS);
    }
    return podip_classify_candidate(name, len, n, conf, out);
}

/* The zone NAME (N bytes, no trailing dot) is under: the length of what
 * stands before "pod.ZONE" (without its dot), 0 for pod.ZONE itself, or -1;
 * the zone's index in *ZONE. */
static inline long find_zone(const char *name, size_t n, const struct podip_conf *conf,
                             int *zone)
{
    for (unsigned z = 0; z < conf->nzones; z++) {
        long head = strip_domain(name, n, &conf->zones[z]);
        if (head >= 0) {
            *zone = (int)z;
            return head;
        }
    }
    return -1;
}

/* podip_classify_candidate() of any name, in SPEC order. */
static enum podip_kind classify_general(const char *name, size_t len, size_t n,
                                        const struct podip_conf *conf,
                                        struct podip_outcome *out)
{
    out->namelen = n;
    out->relative = false;
    out->zone = -1;
    settle(out, PODIP_PASS, PODIP_WHY_NOT_OURS);

    long head = find_zone(name, n, conf, &out->zone);
    if (head == 0) {
        if (n > PODIP_NAME_MAX)
            return settle(out, PODIP_NXDOMAIN, PODIP_WHY_NAME_TOO_LONG);
        return settle(out, PODIP_NODATA, PODIP_WHY_POD_ZONE);
    }
    if (head > 0)
        return classify_pod(name, (size_t)head, n, conf, out);

    /* LABEL.NAMESPACE.pod, completed with the first zone as a pod's search
     * list would; every zone gives the same answer (SPEC §1). */
    if (n == len && conf->relative && conf->nzones > 0 && ends_with_pod(name, n) &&
        memchr(name, '.', n - 4) != NULL) {
        out->zone = 0;
        out->relative = true;
        /* the completed name is NAME "." ZONE; zones[0].text is "pod." ZONE */
        return classify_pod(name, n - 4, n + conf->zones[0].len - 3, conf, out);
    }

    if (n > PODIP_NAME_MAX)
        return PODIP_PASS;
    for (unsigned w = 0; w < conf->nwildcards; w++) {
        long before = strip_domain(name, n, &conf->wildcards[w]);
        if (before <= 0)
            continue;
        out->zone = (int)w;
        return classify_wildcard(name, (size_t)before, out);
    }
    return PODIP_PASS;
}

/* Whether the LEN bytes at S are the text T as it is, eight bytes a step;
 * false for a text under eight bytes, which the caller then judges the
 * general way. */
static inline bool same_text(const char *s, const char *t, size_t len)
{
    if (len < 8 || load8(s + len - 8) != load8(t + len - 8) || load8(s) != load8(t))
        return false;
    if (len <= 16)
        return true;
    if (load8(s + 8) != load8(t + 8)) /* most zones end within 24 bytes */
        return false;
    for (size_t i = 16; i + 8 < len; i += 8)
        if (load8(s + i) != load8(t + i))
            return false;
    return true;
}

/* answer_pod() out of line, for a configuration with `namespace` or `allow`
 * lines: the usual way below then calls nothing but in its last step. */
static __attribute__((noinline)) enum podip_kind
answer_restricted(const struct podip_conf *conf, const char *ns, size_t nslen,
                  struct podip_outcome *out)
{
    return answer_pod(conf, ns, nslen, out);
}

/* The usual name, ADDRESS.NAMESPACE.pod.ZONE with an IPv4 address and the
 * first zone, lowercase as names nearly always are, takes a short way
 * that calls nothing (so saves no registers) but in its last step. Every
 * other name, and any doubt, goes classify_general(), which would answer
 * the usual name the same: its first zone matches first. */
enum podip_kind podip_classify_candidate(const char *name, size_t len, size_t n,
                                         const struct podip_conf *conf,
                                         struct podip_outcome *out)
{
    const struct podip_domain *zone = &conf->zones[0];
    if (conf->nzones == 0 || n > PODIP_NAME_MAX || n < zone->len + 2u ||
        name[n - zone->len - 1] != '.' || !same_text(name + n - zone->len, zone->text, zone->len))
        return classify_general(name, len, n, conf, out);
    size_t head = n - zone->len - 1; /* ADDRESS.NAMESPACE */
    const char *ns = usual_pod(name, head, out);
    if (ns == NULL)
        return classify_general(name, len, n, conf, out);

    out->namelen = n;
    out->relative = false;
    out->zone = 0;
    if ((conf->nnamespaces | conf->nallow) != 0) /* one test, no branch */
        return answer_restricted(conf, ns, (size_t)(name + head - ns), out);
    return settle(out, PODIP_ADDRESS, PODIP_WHY_POD);
}
