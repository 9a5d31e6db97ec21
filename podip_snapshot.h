/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PODIP_SNAPSHOT_H
#define PODIP_SNAPSHOT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <time.h>

#include "podip_conf.h"

/* What to do with one look at a file (SPEC §6, "Fail closed"). */
enum podip_verdict {
    PODIP_USE,    /* what was read; for an absent file, nothing: the defaults */
    PODIP_KEEP,   /* not readable now, or still being written: the last one read stays */
    PODIP_REFUSE, /* refused: nss-podip.conf steps aside (every name PASS), resolv.conf adds no zone */
};

enum podip_verdict podip_verdict(enum podip_file_status status);

/* One watched file, as the last look at it left it. */
struct podip_watch {
    const char *path;
    bool trusted; /* podip_read_file's TRUSTED */
    bool known;                    /* STAMP and READ_AT tell what is in use */
    struct podip_stamp stamp;      /* what the file was when last used */
    time_t read_at;                /* time(NULL) of that read */
    enum podip_file_status status; /* the last look, and its errno */
    int err;
};

/* What nss-podip.conf says, for the snapshot. */
enum podip_standing {
    PODIP_UNREAD,  /* never read yet: no name answered */
    PODIP_IN_FORCE,
    PODIP_ASIDE, /* refused: no name answered */
};

/* The two files and what they gave, kept from one check to the next. */
struct podip_state {
    struct podip_watch conf_file, resolv;
    enum podip_standing standing;
    bool forgotten;              /* podip_state_forget(): publish again */
    struct podip_conf from_file; /* IN_FORCE: the defaults and the file's lines */
    unsigned ndetected;          /* the zones of resolv.conf's search line */
    struct podip_domain detected[PODIP_MAX_ZONES];
    /* working storage of podip_state_check() */
    struct podip_conf scratch;
    struct podip_parser parser;
    char chunk[4096];
};

/* A state that has read nothing, for the two files at these paths; ST is
 * zeroed storage (static, or initialized with {0}), which this does not
 * clear again: the module's 50 KB stay untouched pages until used. */
void podip_state_init(struct podip_state *st, const char *conf_path, const char *resolv_path);

/* Look at the files again at NOW, time(NULL) (SPEC §6); true when what they
 * give has changed. REPORT (may be NULL) hears of nss-podip.conf's bad
 * lines, if it is read. */
bool podip_state_check(struct podip_state *st, time_t now, podip_report_fn *report, void *ctx);

/* The snapshot ST gives: nss-podip.conf's, with the zones of resolv.conf
 * when detect-zones is on; one that answers no name when nss-podip.conf was
 * not read yet or is refused. */
void podip_state_snapshot(const struct podip_state *st, struct podip_conf *out);

/* Whatever ST held, it must be read again (a fork cut a check short). */
void podip_state_forget(struct podip_state *st);

/* The snapshot in force for this process, for one lookup:
 *
 *     struct podip_view v;
 *     do {
 *         v = podip_snapshot_begin();
 *         ... classify under v.slot->conf ...
 *     } while (!podip_snapshot_unchanged(v));
 *
 * The files are looked at when a second has passed since the last look, by
 * one thread; the others go on. Otherwise a lookup costs time(NULL) (the
 * vDSO: no system call) and a few loads. A reload may rewrite a slot while
 * an old lookup still reads it (podip_snapshot.c); the lookup then begins
 * again. */
struct podip_slot {
    _Atomic unsigned seq; /* odd while the slot is written */
    struct podip_conf conf;
};

struct podip_view {
    const struct podip_slot *slot;
    unsigned ticket; /* slot->seq when the view began, made even */
};

struct podip_view podip_snapshot_begin(void);

static inline bool podip_snapshot_unchanged(struct podip_view v)
{
    atomic_thread_fence(memory_order_acquire);
    return atomic_load_explicit(&v.slot->seq, memory_order_relaxed) == v.ticket;
}

#endif
