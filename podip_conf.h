/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration snapshot (SPEC §6) and its parser: text in, snapshot
 * out. Pure: no I/O, no allocation. Reading the files is podip_watch.h's. */
#ifndef PODIP_CONF_H
#define PODIP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "podip_lex.h"

#define PODIP_MAX_ZONES 16
#define PODIP_MAX_NAMESPACES 64
#define PODIP_MAX_ALLOW 64
#define PODIP_MAX_WILDCARDS 16

/* A domain, lowercased, without a trailing dot. For pod zones `text` holds
 * "pod." + the cluster domain, so one comparison matches the whole suffix
 * answered; podip_zone_domain() gives the cluster domain. */
struct podip_domain {
    uint16_t len;
    char text[PODIP_NAME_MAX + 5];
};
#define PODIP_ZONE_PREFIX "pod."

/* The cluster domain of pod zone D: its text past "pod.", *LEN bytes. */
static inline const char *podip_zone_domain(const struct podip_domain *d, size_t *len)
{
    *len = d->len - (sizeof PODIP_ZONE_PREFIX - 1);
    return d->text + (sizeof PODIP_ZONE_PREFIX - 1);
}

struct podip_cidr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t prefix;
    uint8_t addr[16];
};

/* An immutable configuration snapshot. Fixed size: the module never
 * allocates, and a snapshot can live in static storage. Every byte is set
 * (padding too), so two snapshots compare with memcmp. */
struct podip_conf {
    unsigned nzones;
    unsigned nnamespaces;
    unsigned nallow;
    unsigned nwildcards;
    uint32_t ttl;
    bool relative;
    bool detect_zones;
    /* ends[c]: a name this snapshot owns may end with byte c (before one
     * trailing dot): the last byte of a zone or wildcard domain, in either
     * case, and the 'd' of a relative ".pod". Most names a host looks up
     * are no pod names, and the classifier turns them away with this one
     * test. Derived from the zones and wildcards as they are added. */
    bool ends[256];
    /* the indexes of the zones, longest first: the first zone a name is in
     * is the one CoreDNS picks (SPEC §1). Derived like `ends`. */
    uint8_t by_length[PODIP_MAX_ZONES];
    struct podip_domain zones[PODIP_MAX_ZONES];
    struct {
        uint8_t len;
        char text[PODIP_LABEL_MAX + 1];
    } namespaces[PODIP_MAX_NAMESPACES];
    struct podip_cidr allow[PODIP_MAX_ALLOW];
    struct podip_domain wildcards[PODIP_MAX_WILDCARDS];
};

/* The defaults of SPEC §6: zone cluster.local, relative names and
 * detect-zones on, ttl 5. */
void podip_conf_defaults(struct podip_conf *conf);

/* Add a pod zone (a cluster domain) or a wildcard domain. Returns false when
 * the domain is malformed, already present or the table is full. */
bool podip_conf_add_zone(struct podip_conf *conf, const char *domain, size_t len);
bool podip_conf_add_wildcard(struct podip_conf *conf, const char *domain, size_t len);

#define PODIP_LINE_MAX 1024 /* longer lines are skipped */

/* Called for each line that is skipped because it does not parse, with the
 * reason and the line's text (LEN bytes, at most PODIP_LINE_MAX). */
typedef void podip_report_fn(void *ctx, unsigned line, const char *reason, const char *text,
                             size_t len);

enum podip_syntax {
    PODIP_SYNTAX_CONF,   /* nss-podip.conf: SPEC §6 directives into the snapshot */
    PODIP_SYNTAX_RESOLV, /* resolv.conf: svc.DOMAIN search entries become zones */
};

/* A line parser fed in chunks of any size, so a file is read through a small
 * buffer and a 10 MB line costs nothing but the time to skip it. */
struct podip_parser {
    struct podip_conf *conf;
    enum podip_syntax syntax;
    podip_report_fn *report;
    void *ctx;
    unsigned line;
    size_t len;        /* bytes of the current line held in buf */
    bool overlong;     /* the current line outgrew buf */
    bool zoned;        /* a `zone` line replaced the default zone */
    size_t search_len; /* resolv.conf: the last search (or domain) line, if any */
    char buf[PODIP_LINE_MAX];
    char search[PODIP_LINE_MAX];
};

void podip_parser_init(struct podip_parser *p, struct podip_conf *conf, enum podip_syntax syntax,
                       podip_report_fn *report, void *ctx);
void podip_parser_feed(struct podip_parser *p, const char *data, size_t len);
void podip_parser_end(struct podip_parser *p);

/* The text of a whole file at once: init, feed, end. */
void podip_conf_parse(struct podip_conf *conf, enum podip_syntax syntax, const char *text,
                      size_t len, podip_report_fn *report, void *ctx);

#endif
