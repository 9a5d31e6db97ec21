/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PODIP_CONF_H
#define PODIP_CONF_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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
    /* ends[c] is true when a name this snapshot owns may end with byte c
     * (after one trailing dot): the last byte of a zone or wildcard, in
     * either case, and the 'd' of a relative ".pod"; and '.', so that the
     * byte before a trailing dot is looked at (podip_may_own). A lookup
     * rejects every other name with one test; a superset is always safe.
     * Kept by podip_conf_add_zone/add_wildcard and the parser. */
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

/* The snapshot in force for this process, read from the configuration file
 * (and /etc/resolv.conf) when first needed and again when they change
 * (SPEC §6); never NULL. Lookups use podip_conf_begin() instead. */
const struct podip_conf *podip_conf_snapshot(void);

/* The snapshot for one lookup: podip_conf_begin() gives a view, the lookup
 * classifies under view.conf, then asks podip_conf_unchanged(view); if
 * false, a reload rewrote the snapshot meanwhile (see podip_conf.c) and the
 * lookup begins again.
 *
 * Both are inline because every lookup runs them: an acquire load of the
 * current slot, time(NULL) (the vDSO: no system call), one compare with the
 * second the files were last looked at, and the slot's sequence number.
 * Anything else (the first load, the once-a-second look at the files) is
 * podip_conf_slot_slow()'s. */
struct podip_slot {
    _Atomic unsigned seq; /* odd while the slot is rewritten (a seqlock) */
    struct podip_conf conf;
};

struct podip_hot {
    _Alignas(64) _Atomic(struct podip_slot *) current; /* never NULL */
    _Atomic time_t checked; /* time(NULL) when the files were last looked at */
};

/* hidden: the module reaches it without a GOT load */
extern struct podip_hot podip_hot __attribute__((visibility("hidden")));

/* Called through the GOT, not a PLT stub: an instruction less a lookup
 * (GCC; clang has no such attribute). */
#ifdef __has_attribute
#if __has_attribute(noplt)
extern __typeof__(time) time __attribute__((noplt));
#endif
#endif

/* The slot to use when the fast path of podip_conf_begin() cannot tell:
 * after the first load, or the files' check, when a second has passed. */
struct podip_slot *podip_conf_slot_slow(void);

struct podip_view {
    const struct podip_slot *slot;
    unsigned ticket; /* the slot's sequence number when the view began, made even */
};

static inline struct podip_view podip_conf_begin(void)
{
    /* time() first: then the slot need not be kept across the call */
    time_t now = time(NULL);
    struct podip_slot *s = atomic_load_explicit(&podip_hot.current, memory_order_acquire);
    if (now != atomic_load_explicit(&podip_hot.checked, memory_order_relaxed))
        s = podip_conf_slot_slow();
    /* An odd sequence number: the slot is being rewritten, and what is
     * read under it may be a mix. Its ticket is made even, one below any
     * number the slot has had since, so it never counts as unchanged. */
    unsigned seq = atomic_load_explicit(&s->seq, memory_order_acquire);
    return (struct podip_view){s, seq & ~1u};
}

static inline bool podip_conf_unchanged(struct podip_view v)
{
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&v.slot->seq, memory_order_relaxed) == v.ticket;
}

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
