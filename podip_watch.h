/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPEC §6's file rules, in one unit: reading one file and judging it (fail
 * closed), the stamps that tell a change, the settle and racy-git rules, and
 * the state of the two files a process watches, from which its snapshot is
 * made. No threads here: podip_snapshot.h runs a state for a process. */
#ifndef PODIP_WATCH_H
#define PODIP_WATCH_H

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "podip_conf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
/* The files the module watches; a test build points them elsewhere. */
#ifndef PODIP_CONF_PATH
#define PODIP_CONF_PATH SYSCONFDIR "/nss-podip.conf"
#endif
#ifndef PODIP_RESOLV_PATH
#define PODIP_RESOLV_PATH "/etc/resolv.conf"
#endif
#define PODIP_CONF_OWNER 0 /* root: whoever can write nss-podip.conf could redirect pod names */

#define PODIP_FILE_MAX_MIB 16 /* bigger files are refused */
#define PODIP_SETTLE 2        /* seconds a changed file may still be being written */
#define PODIP_ANY_OWNER ((uid_t)-1)

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

/* One look at a file. */
enum podip_file_status {
    PODIP_FILE_READ,        /* read whole and parsed */
    PODIP_FILE_ABSENT,      /* not there (ENOENT, ENOTDIR) */
    PODIP_FILE_UNREADABLE,  /* there, but open, stat or read failed now; see the errno */
    PODIP_FILE_NOT_REGULAR, /* a directory, FIFO, device or socket */
    PODIP_FILE_NOT_OWNER,   /* not owned by the owner required (root, for nss-podip.conf) */
    PODIP_FILE_WRITABLE,    /* writable by its group or by others */
    PODIP_FILE_TOO_BIG,     /* over PODIP_FILE_MAX_MIB */
    PODIP_FILE_CHANGING,    /* changed while being read */
    PODIP_FILE_SETTLING,    /* read, but changed too recently to replace what is in force */
};

/* Why a file of this stamp is refused before it is read: NOT_REGULAR,
 * TOO_BIG, and unless OWNER is PODIP_ANY_OWNER, NOT_OWNER and WRITABLE
 * (whoever can write the configuration could redirect pod names); READ if
 * it is not. */
enum podip_file_status podip_refusal(const struct podip_stamp *stamp, uid_t owner);

/* Open PATH (non-blocking, so a FIFO or a device cannot hang the caller),
 * judge what is open by podip_refusal(), and feed the file to P through the
 * buffer CHUNK. A file that cannot be opened is judged by what stat says of
 * it (open refuses a socket: ENXIO). *STAMP is what fstat or that stat said,
 * or holds the errno of the open that failed; *ERR the errno of an
 * UNREADABLE file. Never returns PODIP_FILE_SETTLING. */
enum podip_file_status podip_read_file(const char *path, uid_t owner, struct podip_parser *p,
                                       char *chunk, size_t size, struct podip_stamp *stamp,
                                       int *err);

/* Whether time A is at least N seconds before B (any two times, no overflow). */
bool podip_before_by(time_t a, time_t b, unsigned n);

/* Whether a file of this stamp is old enough, at NOW (time(NULL)), to have
 * been written whole: its mtime PODIP_SETTLE s or more before NOW, or as far
 * after it (stamped under another clock, not by a write just now). */
bool podip_settled(const struct podip_stamp *stamp, time_t now);

/* What to do with one look at a file (SPEC §6, "Fail closed"). */
enum podip_verdict {
    PODIP_USE,    /* what was read; for an absent file, nothing: the defaults */
    PODIP_KEEP,   /* not readable now, or still being written: the last one read stays */
    PODIP_REFUSE, /* refused: nss-podip.conf steps aside (every name PASS), resolv.conf adds no zone
                   */
};

enum podip_verdict podip_verdict(enum podip_file_status status);

/* One watched file, as the last look at it left it. */
struct podip_watch {
    const char *path;
    uid_t owner;                   /* podip_read_file's OWNER */
    bool known;                    /* STAMP and READ_AT tell what is in use */
    struct podip_stamp stamp;      /* what the file was when last used */
    time_t read_at;                /* time(NULL) of that read */
    enum podip_file_status status; /* the last look, and its errno */
    int err;
};

/* What nss-podip.conf gives. */
enum podip_standing {
    PODIP_UNREAD, /* never read yet: no name answered */
    PODIP_IN_FORCE,
    PODIP_ASIDE, /* refused: no name answered */
};

/* The two files and what they gave, kept from one check to the next. */
struct podip_state {
    struct podip_watch conf_file, resolv;
    enum podip_standing standing;
    bool forgotten;              /* podip_state_forget(): FROM_FILE to be read again */
    struct podip_conf from_file; /* IN_FORCE: the defaults and the file's lines */
    unsigned ndetected;          /* the zones of resolv.conf's search line */
    struct podip_domain detected[PODIP_MAX_ZONES];
    /* working storage of podip_state_check() */
    struct podip_conf scratch;
    struct podip_parser parser;
    char chunk[4096];
};

/* A state that has read nothing, for the configuration file CONF_PATH,
 * which must be owned by CONF_OWNER (the module's: PODIP_CONF_OWNER), and
 * resolv.conf at RESOLV_PATH. ST is zeroed storage (static, or {0}),
 * which this does not clear again: the module's state stays untouched
 * pages until used. */
void podip_state_init(struct podip_state *st, const char *conf_path, uid_t conf_owner,
                      const char *resolv_path);

/* Look at the files again at NOW, time(NULL) (SPEC §6); true when what they
 * give has changed. REPORT (may be NULL) hears of nss-podip.conf's bad
 * lines, if it is read. */
bool podip_state_check(struct podip_state *st, time_t now, podip_report_fn *report, void *ctx);

/* The snapshot ST gives: nss-podip.conf's, with the zones of resolv.conf
 * when detect-zones is on; one that answers no name when nss-podip.conf was
 * not read yet, is refused, or is to be read again after
 * podip_state_forget(). */
void podip_state_snapshot(const struct podip_state *st, struct podip_conf *out);

/* A check of ST was cut short (a fork() while another thread checked, a
 * lock holder that died), so what it writes may be half done: both files
 * are read again, and podip_state_check() says nothing changed until
 * nss-podip.conf has been read (then, that all did), so that the snapshot
 * in force stays until then. ST's standing stays: a process with a
 * configuration in force still waits for a change to settle. */
void podip_state_forget(struct podip_state *st);

#endif
