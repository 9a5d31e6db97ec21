/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PODIP_CONF_H
#define PODIP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

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
 * never allocates, and a snapshot can live in static storage. The counts and
 * flags come first, so a lookup reads them from one cache line. */
struct podip_conf {
    /* ends[c]: a name this snapshot owns may end with byte c (before one
     * trailing dot): the last byte of a zone or wildcard, in either case, and
     * the 'd' of a relative ".pod". The classifier turns every other name
     * away with one test; a superset is always safe. Kept by
     * podip_conf_add_zone/add_wildcard and the parser. */
    bool ends[256];
    unsigned nzones;
    unsigned nnamespaces;
    unsigned nallow;
    unsigned nwildcards;
    uint32_t ttl;
    bool relative;
    bool detect_zones;
    struct podip_domain zones[PODIP_MAX_ZONES];
    struct {
        uint8_t len;
        char text[PODIP_LABEL_MAX + 1];
    } namespaces[PODIP_MAX_NAMESPACES];
    struct podip_cidr allow[PODIP_MAX_ALLOW];
    struct podip_domain wildcards[PODIP_MAX_WILDCARDS];
};

/* The defaults of SPEC §6: zone cluster.local, relative names on, ttl 5. */
void podip_conf_defaults(struct podip_conf *conf);

/* Add a pod zone (a cluster domain) or a wildcard domain. Returns false when
 * the domain is malformed, already present or the table is full. */
bool podip_conf_add_zone(struct podip_conf *conf, const char *domain, unsigned len);
bool podip_conf_add_wildcard(struct podip_conf *conf, const char *domain, unsigned len);

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

/* Reading a file. */

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
#define PODIP_CONF_PATH SYSCONFDIR "/nss-podip.conf"
#define PODIP_RESOLV_PATH "/etc/resolv.conf"
#define PODIP_FILE_MAX (16 << 20) /* bigger files are refused */
#define PODIP_SETTLE 2            /* seconds a changed file waits (SPEC §6) */

/* What stat says of a file; two equal stamps: no change that stat sees. */
struct podip_stamp {
    int err; /* stat's errno, 0 when the file is there */
    dev_t dev;
    ino_t ino;
    off_t size;
    mode_t mode;
    uid_t uid;
    struct timespec mtime, ctime;
};

/* stat(PATH) into *STAMP. */
void podip_stamp_path(const char *path, struct podip_stamp *stamp);
bool podip_same_stamp(const struct podip_stamp *a, const struct podip_stamp *b);

/* Whether time A is at least N seconds before B (any two times, no overflow). */
bool podip_before_by(time_t a, time_t b, unsigned n);

/* One look at a file. */
enum podip_file_status {
    PODIP_FILE_READ,        /* read whole and parsed */
    PODIP_FILE_ABSENT,      /* not there (ENOENT, ENOTDIR) */
    PODIP_FILE_UNREADABLE,  /* there, but open, stat or read failed now; see the errno */
    PODIP_FILE_NOT_REGULAR, /* a directory, FIFO, device or socket */
    PODIP_FILE_NOT_ROOT,    /* owned by a user other than root */
    PODIP_FILE_WRITABLE,    /* writable by its group or by others */
    PODIP_FILE_TOO_BIG,     /* over PODIP_FILE_MAX bytes */
    PODIP_FILE_CHANGING,    /* changed while being read */
    PODIP_FILE_SETTLING,    /* read, but changed too recently to replace what is in force */
};

/* Open PATH (non-blocking, so a FIFO or a device cannot hang the caller),
 * judge what is open by fstat, and feed the file to P through the buffer
 * CHUNK. TRUSTED: accept only a file owned by root and writable by nobody
 * else, since whoever can write the configuration could redirect pod names.
 * *STAMP is what fstat said of the open file, or holds the errno of the
 * open that failed. Never returns PODIP_FILE_SETTLING. */
enum podip_file_status podip_read_file(const char *path, bool trusted, struct podip_parser *p,
                                       char *chunk, size_t size, struct podip_stamp *stamp,
                                       int *err);

/* Why a file of this stamp is refused before it is read: NOT_REGULAR,
 * NOT_ROOT, WRITABLE (those two only when TRUSTED) or TOO_BIG; READ if it
 * is not. podip_read_file() and `nss-podip check` judge by it. */
enum podip_file_status podip_refusal(const struct podip_stamp *stamp, bool trusted);

/* Whether a file of this stamp is old enough, at NOW (time(NULL)), to have
 * been written whole: its mtime PODIP_SETTLE s or more before NOW, or as far
 * after it (stamped under another clock, not by a write just now). */
bool podip_settled(const struct podip_stamp *stamp, time_t now);

#endif
