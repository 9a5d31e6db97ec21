/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PODIP_CONF_H
#define PODIP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PODIP_MAX_ZONES 16
#define PODIP_MAX_NAMESPACES 64
#define PODIP_MAX_ALLOW 64
#define PODIP_MAX_WILDCARDS 16
#define PODIP_NAME_MAX 253
#define PODIP_LABEL_MAX 63

/* A domain, lowercased, without a trailing dot. For pod zones `text` holds
 * "pod." + the cluster domain, so one comparison matches the whole suffix. */
struct podip_domain {
    uint16_t len;
    char text[PODIP_NAME_MAX + 5];
};

struct podip_cidr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t prefix;
    uint8_t addr[16];
};

/* An immutable configuration snapshot (SPEC §6). Fixed size: the module
 * never allocates, and a snapshot can live in static storage. */
struct podip_conf {
    unsigned nzones;
    struct podip_domain zones[PODIP_MAX_ZONES];
    bool relative;
    bool detect_zones;
    uint32_t ttl;
    unsigned nnamespaces;
    struct {
        uint8_t len;
        char text[PODIP_LABEL_MAX + 1];
    } namespaces[PODIP_MAX_NAMESPACES];
    unsigned nallow;
    struct podip_cidr allow[PODIP_MAX_ALLOW];
    unsigned nwildcards;
    struct podip_domain wildcards[PODIP_MAX_WILDCARDS];
};

/* The defaults of SPEC §6: zone cluster.local, relative names on, ttl 5. */
void podip_conf_defaults(struct podip_conf *conf);

/* Add a pod zone (a cluster domain) or a wildcard domain. Returns false when
 * the domain is malformed, already present or the table is full. */
bool podip_conf_add_zone(struct podip_conf *conf, const char *domain, unsigned len);
bool podip_conf_add_wildcard(struct podip_conf *conf, const char *domain, unsigned len);

/* The snapshot in force for this process, read from the configuration file
 * (and /etc/resolv.conf) when first needed and again when they change
 * (SPEC §6); never NULL. Lookups use podip_conf_begin() instead. */
const struct podip_conf *podip_conf_snapshot(void);

/* The snapshot for one lookup: classify under it, then ask
 * podip_conf_unchanged() with the ticket; if false, a reload rewrote it
 * meanwhile (see podip_conf.c) and the lookup classifies again. */
const struct podip_conf *podip_conf_begin(unsigned *ticket);
bool podip_conf_unchanged(const struct podip_conf *conf, unsigned ticket);

/* Parsing (pure: no I/O, no allocation), shared by the module, the
 * `nss-podip` command and the tests. */

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
    size_t len;    /* bytes of the current line held in buf */
    bool overlong; /* the current line outgrew buf */
    bool zoned;    /* a `zone` line replaced the default zone */
    size_t search_len;
    bool has_search; /* resolv.conf: the last search (or domain) line */
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

/* Reading the files. */

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define PODIP_CONF_PATH SYSCONFDIR "/nss-podip.conf"
#define PODIP_RESOLV_PATH "/etc/resolv.conf"
#define PODIP_FILE_MAX (16 << 20) /* bigger files are ignored */

enum podip_file_status {
    PODIP_FILE_READ,        /* read and parsed */
    PODIP_FILE_ABSENT,      /* not there (or a directory on its path is not) */
    PODIP_FILE_UNREADABLE,  /* open or read failed; see the errno */
    PODIP_FILE_NOT_REGULAR, /* a directory, FIFO, device or socket */
    PODIP_FILE_NOT_ROOT,    /* owned by a user other than root */
    PODIP_FILE_WRITABLE,    /* writable by its group or by others */
    PODIP_FILE_TOO_BIG,     /* over PODIP_FILE_MAX bytes */
    PODIP_FILE_CHANGING,    /* changed while being read */
};

/* Feed the file at PATH to P through the buffer CHUNK. TRUSTED: accept only
 * a file owned by root and writable by nobody else, since whoever can write
 * the configuration could redirect pod names. Never blocks (FIFOs are
 * refused unopened, or opened non-blocking and refused). */
enum podip_file_status podip_read_file(const char *path, bool trusted, struct podip_parser *p,
                                       char *chunk, size_t size, int *err);

/* What a load found, for `nss-podip status`. */
struct podip_load {
    enum podip_file_status conf_status, resolv_status;
    int conf_err, resolv_err;
    bool resolv_read;     /* detect-zones was on, so resolv.conf was read */
    unsigned nconfigured; /* zones[0..nconfigured) are configured, the rest detected */
};

/* Build CONF as the module does: the defaults, the configuration file, then
 * the zones of /etc/resolv.conf when detect-zones is on. P and CHUNK are
 * working storage. REPORT (may be NULL) hears of bad configuration lines. */
void podip_conf_load(struct podip_conf *conf, struct podip_load *info, struct podip_parser *p,
                     char *chunk, size_t size, podip_report_fn *report, void *ctx);

#endif
