/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration (SPEC §6): the parser of nss-podip.conf and of
 * resolv.conf's search line. */
#include "podip_conf.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

void podip_conf_defaults(struct podip_conf *conf)
{
    memset(conf, 0, sizeof *conf); /* padding too: snapshots compare with memcmp */
    conf->relative = true;
    conf->detect_zones = true;
    conf->ttl = 5;
    podip_conf_add_zone(conf, "cluster.local", strlen("cluster.local"));
}

enum domain_error { DOMAIN_OK, DOMAIN_BAD, DOMAIN_LONG, DOMAIN_TWICE, DOMAIN_FULL };

/* Store DOMAIN lowercased, without a trailing dot, after PREFIX. */
static enum domain_error add_domain(struct podip_domain *table, unsigned *count, unsigned max,
                                    const char *prefix, const char *domain, size_t len)
{
    if (len > 0 && domain[len - 1] == '.')
        len--;
    size_t plen = strlen(prefix);
    if (len == 0)
        return DOMAIN_BAD;
    if (len + plen > PODIP_NAME_MAX)
        return DOMAIN_LONG;

    struct podip_domain d;
    memset(&d, 0, sizeof d);
    d.len = (uint16_t)(plen + len);
    memcpy(d.text, prefix, plen);
    unsigned label = 0;
    for (size_t i = 0; i < len; i++) {
        if (domain[i] == '.') {
            if (label == 0)
                return DOMAIN_BAD;
            label = 0;
        } else if (!podip_is(domain[i], PODIP_DOMAIN) || ++label > PODIP_LABEL_MAX) {
            return DOMAIN_BAD;
        }
        d.text[plen + i] = (char)podip_lower(domain[i]);
    }
    if (label == 0)
        return DOMAIN_BAD;
    for (unsigned i = 0; i < *count; i++)
        if (table[i].len == d.len && memcmp(table[i].text, d.text, d.len) == 0)
            return DOMAIN_TWICE;
    if (*count >= max)
        return DOMAIN_FULL;
    table[(*count)++] = d;
    return DOMAIN_OK;
}

/* A name may end with C, a byte of a domain as stored (lowercase), in
 * either case. */
static void may_end_with(struct podip_conf *conf, char c)
{
    conf->ends[(unsigned char)c] = true;
    conf->ends[podip_upper(c)] = true;
}

/* add_domain into CONF's zones (pod.DOMAIN) or wildcards; once added, the
 * `ends` and `by_length` of what is there now. */
static enum domain_error add_to(struct podip_conf *conf, bool wildcard, const char *domain,
                                size_t len)
{
    enum domain_error e = wildcard ? add_domain(conf->wildcards, &conf->nwildcards,
                                                PODIP_MAX_WILDCARDS, "", domain, len)
                                   : add_domain(conf->zones, &conf->nzones, PODIP_MAX_ZONES,
                                                PODIP_ZONE_PREFIX, domain, len);
    if (e != DOMAIN_OK)
        return e;
    memset(conf->ends, 0, sizeof conf->ends);
    memset(conf->by_length, 0, sizeof conf->by_length);
    for (unsigned i = 0; i < conf->nzones; i++) {
        may_end_with(conf, conf->zones[i].text[conf->zones[i].len - 1]);
        /* insertion sort, longest first */
        unsigned at = i;
        for (; at > 0 && conf->zones[conf->by_length[at - 1]].len < conf->zones[i].len; at--)
            conf->by_length[at] = conf->by_length[at - 1];
        conf->by_length[at] = (uint8_t)i;
    }
    for (unsigned i = 0; i < conf->nwildcards; i++)
        may_end_with(conf, conf->wildcards[i].text[conf->wildcards[i].len - 1]);
    if (conf->nzones > 0)
        may_end_with(conf, 'd'); /* a relative LABEL.NAMESPACE.pod */
    return e;
}

bool podip_conf_add_zone(struct podip_conf *conf, const char *domain, size_t len)
{
    return add_to(conf, false, domain, len) == DOMAIN_OK;
}

bool podip_conf_add_wildcard(struct podip_conf *conf, const char *domain, size_t len)
{
    return add_to(conf, true, domain, len) == DOMAIN_OK;
}

/* The directives of SPEC §6. Each setter returns NULL, or why the value is
 * refused; a refused line changes nothing. */

static const char *set_zone(struct podip_parser *p, const char *v, size_t n)
{
    struct podip_conf *c = p->conf;
    unsigned before = c->nzones;
    if (!p->zoned)
        c->nzones = 0; /* the first `zone` line replaces the default */
    switch (add_to(c, false, v, n)) {
    case DOMAIN_OK:
        p->zoned = true;
        return NULL;
    case DOMAIN_BAD:
        c->nzones = before;
        return "zone: not a domain name";
    case DOMAIN_LONG:
        c->nzones = before;
        return "zone: too long (pod.DOMAIN must fit in 253 characters)";
    case DOMAIN_TWICE:
        return "zone: already listed";
    case DOMAIN_FULL:
        break;
    }
    return "zone: more than " PODIP_STR(PODIP_MAX_ZONES) " zones";
}

static const char *set_wildcard(struct podip_parser *p, const char *v, size_t n)
{
    struct podip_conf *c = p->conf;
    switch (add_to(c, true, v, n)) {
    case DOMAIN_OK:
        return NULL;
    case DOMAIN_BAD:
        return "wildcard: not a domain name";
    case DOMAIN_LONG:
        return "wildcard: longer than 253 characters";
    case DOMAIN_TWICE:
        return "wildcard: already listed";
    case DOMAIN_FULL:
        break;
    }
    return "wildcard: more than " PODIP_STR(PODIP_MAX_WILDCARDS) " wildcard domains";
}

static bool is_word(const char *v, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(v, word, n) == 0;
}

static const char *yes_no(bool *out, const char *v, size_t n)
{
    if (is_word(v, n, "yes"))
        *out = true;
    else if (is_word(v, n, "no"))
        *out = false;
    else
        return "";
    return NULL;
}

static const char *set_detect(struct podip_parser *p, const char *v, size_t n)
{
    return yes_no(&p->conf->detect_zones, v, n) ? "detect-zones: expected yes or no" : NULL;
}

static const char *set_relative(struct podip_parser *p, const char *v, size_t n)
{
    return yes_no(&p->conf->relative, v, n) ? "relative: expected yes or no" : NULL;
}

static const char *set_namespace(struct podip_parser *p, const char *v, size_t n)
{
    struct podip_conf *c = p->conf;
    if (!podip_namespace_valid(v, n))
        return "namespace: not a name Kubernetes could create (" PODIP_NAMESPACE_RULE ")";
    char text[PODIP_LABEL_MAX + 1] = {0};
    for (size_t i = 0; i < n; i++)
        text[i] = (char)podip_lower(v[i]);
    for (unsigned i = 0; i < c->nnamespaces; i++)
        if (c->namespaces[i].len == n && memcmp(c->namespaces[i].text, text, n) == 0)
            return "namespace: already listed";
    if (c->nnamespaces >= PODIP_MAX_NAMESPACES)
        return "namespace: more than " PODIP_STR(PODIP_MAX_NAMESPACES) " namespaces";
    c->namespaces[c->nnamespaces].len = (uint8_t)n;
    memcpy(c->namespaces[c->nnamespaces].text, text, sizeof text);
    c->nnamespaces++;
    return NULL;
}

/* ADDRESS[/PREFIX]; a bare address is a range of one. Host bits past the
 * prefix are cleared, as `ip route` does. */
static const char *set_allow(struct podip_parser *p, const char *v, size_t n)
{
    static const char bad[] = "allow: not an address range such as 10.42.0.0/16 or fd00::/48";
    struct podip_conf *c = p->conf;
    const char *slash = memchr(v, '/', n);
    size_t alen = slash != NULL ? (size_t)(slash - v) : n;
    char text[INET6_ADDRSTRLEN];
    if (alen >= sizeof text)
        return bad;
    memcpy(text, v, alen);
    text[alen] = '\0';

    struct podip_cidr r;
    memset(&r, 0, sizeof r); /* padding too: snapshots compare with memcmp */
    r.family = memchr(text, ':', alen) != NULL ? AF_INET6 : AF_INET;
    if (inet_pton(r.family, text, r.addr) != 1)
        return bad;
    unsigned max = r.family == AF_INET ? 32 : 128, prefix = max;
    if (slash != NULL) {
        const char *d = slash + 1;
        size_t dlen = n - alen - 1;
        if (dlen == 0 || dlen > 3)
            return bad;
        prefix = 0;
        for (size_t i = 0; i < dlen; i++) {
            if (d[i] < '0' || d[i] > '9')
                return bad;
            prefix = prefix * 10 + (unsigned)(d[i] - '0');
        }
        if (prefix > max)
            return r.family == AF_INET ? "allow: an IPv4 prefix length is 0 to 32"
                                       : "allow: an IPv6 prefix length is 0 to 128";
    }
    r.prefix = (uint8_t)prefix;
    for (unsigned bit = prefix; bit < max; bit++)
        r.addr[bit / 8] &= (uint8_t) ~(0x80u >> (bit % 8));

    for (unsigned i = 0; i < c->nallow; i++)
        if (memcmp(&c->allow[i], &r, sizeof r) == 0)
            return "allow: already listed";
    if (c->nallow >= PODIP_MAX_ALLOW)
        return "allow: more than " PODIP_STR(PODIP_MAX_ALLOW) " ranges";
    memcpy(&c->allow[c->nallow++], &r, sizeof r);
    return NULL;
}

static const char *set_ttl(struct podip_parser *p, const char *v, size_t n)
{
    static const char bad[] = "ttl: expected a number of seconds from 0 to 3600";
    if (n == 0 || n > 9)
        return bad;
    uint32_t ttl = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return bad;
        ttl = ttl * 10 + (uint32_t)(v[i] - '0');
    }
    if (ttl > 3600)
        return bad;
    p->conf->ttl = ttl;
    return NULL;
}

static const struct {
    const char *name;
    const char *(*set)(struct podip_parser *p, const char *v, size_t n);
    const char *missing;
} directives[] = {
    {"zone", set_zone, "zone: missing the DOMAIN"},
    {"detect-zones", set_detect, "detect-zones: missing yes or no"},
    {"relative", set_relative, "relative: missing yes or no"},
    {"namespace", set_namespace, "namespace: missing the NAME"},
    {"allow", set_allow, "allow: missing the CIDR range"},
    {"ttl", set_ttl, "ttl: missing the SECONDS"},
    {"wildcard", set_wildcard, "wildcard: missing the DOMAIN"},
};

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

static void report(struct podip_parser *p, const char *reason)
{
    if (p->report != NULL)
        p->report(p->ctx, p->line, reason, p->buf, p->len);
}

struct word {
    const char *s;
    size_t n;
};

/* Split S[0..N) at blanks into up to MAX words; returns how many. */
static unsigned split(const char *s, size_t n, struct word *w, unsigned max)
{
    unsigned count = 0;
    size_t i = 0;
    while (count < max) {
        while (i < n && blank(s[i]))
            i++;
        if (i == n)
            break;
        size_t start = i;
        while (i < n && !blank(s[i]))
            i++;
        w[count++] = (struct word){s + start, i - start};
    }
    return count;
}

static void conf_line(struct podip_parser *p)
{
    const char *hash = memchr(p->buf, '#', p->len);
    size_t n = hash != NULL ? (size_t)(hash - p->buf) : p->len;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p->buf[i];
        if ((c < 0x20 && !blank((char)c)) || c == 0x7f) {
            report(p, "a control character or NUL byte in the line (not a text file?)");
            return;
        }
    }
    struct word w[3];
    unsigned count = split(p->buf, n, w, 3);
    if (count == 0)
        return;
    for (size_t d = 0; d < sizeof directives / sizeof directives[0]; d++) {
        if (!is_word(w[0].s, w[0].n, directives[d].name))
            continue;
        const char *why = count == 1   ? directives[d].missing
                          : count == 3 ? "one value a line, then nothing but a # comment"
                                       : directives[d].set(p, w[1].s, w[1].n);
        if (why != NULL)
            report(p, why);
        return;
    }
    report(p, "unknown directive");
}

/* resolv.conf, as glibc reads it: the last `search` or `domain` line wins. */
static void resolv_line(struct podip_parser *p)
{
    struct word w[1];
    if (split(p->buf, p->len, w, 1) == 0 || w[0].s[0] == '#' || w[0].s[0] == ';')
        return;
    if (!is_word(w[0].s, w[0].n, "search") && !is_word(w[0].s, w[0].n, "domain"))
        return;
    size_t rest = (size_t)(w[0].s + w[0].n - p->buf);
    p->search_len = p->len - rest;
    memcpy(p->search, p->buf + rest, p->search_len);
}

/* SPEC §6 detect-zones: svc.DOMAIN and NAMESPACE.svc.DOMAIN give DOMAIN. */
static void detect_zones(struct podip_parser *p)
{
    struct word w[16];
    unsigned count = split(p->search, p->search_len, w, 16);
    for (unsigned i = 0; i < count; i++) {
        const char *s = w[i].s, *end = s + w[i].n;
        for (int label = 0; label < 2; label++) {
            const char *dot = memchr(s, '.', (size_t)(end - s));
            if (dot == NULL)
                break;
            if (dot - s == 3 && podip_equal_ci(s, "svc", 3)) {
                add_to(p->conf, false, dot + 1, (size_t)(end - dot - 1));
                break;
            }
            s = dot + 1;
        }
    }
}

static bool comment_only(const char *s, size_t n)
{
    struct word w[1];
    return split(s, n, w, 1) == 1 && w[0].s[0] == '#';
}

static void end_line(struct podip_parser *p)
{
    p->line++;
    if (p->overlong) {
        if (p->syntax == PODIP_SYNTAX_CONF && !comment_only(p->buf, p->len))
            report(p, "line longer than " PODIP_STR(PODIP_LINE_MAX) " bytes");
    } else if (p->syntax == PODIP_SYNTAX_CONF) {
        conf_line(p);
    } else {
        resolv_line(p);
    }
    p->len = 0;
    p->overlong = false;
}

void podip_parser_init(struct podip_parser *p, struct podip_conf *conf, enum podip_syntax syntax,
                       podip_report_fn *report, void *ctx)
{
    p->conf = conf;
    p->syntax = syntax;
    p->report = report;
    p->ctx = ctx;
    p->line = 0;
    p->len = 0;
    p->overlong = false;
    p->zoned = false;
    p->search_len = 0;
}

void podip_parser_feed(struct podip_parser *p, const char *data, size_t len)
{
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t n = nl != NULL ? (size_t)(nl - data) : len;
        size_t keep = n;
        if (keep > sizeof p->buf - p->len) {
            keep = sizeof p->buf - p->len;
            p->overlong = true;
        }
        memcpy(p->buf + p->len, data, keep);
        p->len += keep;
        if (nl == NULL)
            return;
        end_line(p);
        data += n + 1;
        len -= n + 1;
    }
}

void podip_parser_end(struct podip_parser *p)
{
    if (p->len > 0 || p->overlong)
        end_line(p); /* a last line without its newline */
    if (p->syntax == PODIP_SYNTAX_RESOLV)
        detect_zones(p);
}

void podip_conf_parse(struct podip_conf *conf, enum podip_syntax syntax, const char *text,
                      size_t len, podip_report_fn *report, void *ctx)
{
    struct podip_parser p;
    podip_parser_init(&p, conf, syntax, report, ctx);
    podip_parser_feed(&p, text, len);
    podip_parser_end(&p);
}
