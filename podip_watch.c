/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPEC §6's file rules: reading one file and judging it, its stamps, the
 * settle and racy rules, and the state of the two watched files. */
#include "podip_watch.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* SPEC §6 holds for 32-bit builds too: without large-file stat, an inode
 * number over 2^32 (overlayfs with xino, XFS inode64, NFS) makes stat fail
 * with EOVERFLOW. Makefile.am asks for 64-bit off_t, ino_t and time_t in
 * every file; the build fails here where they are missing. */
_Static_assert(sizeof(off_t) == 8, "off_t is not 64 bits: -D_FILE_OFFSET_BITS=64 is missing");
_Static_assert(sizeof(ino_t) == 8, "ino_t is not 64 bits: -D_FILE_OFFSET_BITS=64 is missing");
_Static_assert(sizeof(time_t) == 8,
               "time_t is not 64 bits: -D_TIME_BITS=64 is missing (it needs glibc 2.34)");

/* --- one file ------------------------------------------------------------- */

static bool same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

static void stamp_of(const struct stat *st, struct podip_stamp *stamp)
{
    memset(stamp, 0, sizeof *stamp);
    stamp->dev = st->st_dev;
    stamp->ino = st->st_ino;
    stamp->size = st->st_size;
    stamp->mode = st->st_mode;
    stamp->uid = st->st_uid;
    stamp->mtime = st->st_mtim;
    stamp->ctime = st->st_ctim;
}

static void stamp_path(const char *path, struct podip_stamp *stamp)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        memset(stamp, 0, sizeof *stamp);
        stamp->err = errno;
        return;
    }
    stamp_of(&st, stamp);
}

static bool same_stamp(const struct podip_stamp *a, const struct podip_stamp *b)
{
    return a->err == b->err && a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
           a->mode == b->mode && a->uid == b->uid && same_time(&a->mtime, &b->mtime) &&
           same_time(&a->ctime, &b->ctime);
}

bool podip_before_by(time_t a, time_t b, unsigned n)
{
    /* b - a in unsigned arithmetic is exact when a < b, whatever their size */
    return a < b && (uint64_t)b - (uint64_t)a >= n;
}

bool podip_settled(const struct podip_stamp *stamp, time_t now)
{
    time_t m = stamp->mtime.tv_sec;
    return podip_before_by(m, now, PODIP_SETTLE) || podip_before_by(now, m, PODIP_SETTLE);
}

enum podip_file_status podip_refusal(const struct podip_stamp *stamp, uid_t owner)
{
    if (!S_ISREG(stamp->mode))
        return PODIP_FILE_NOT_REGULAR;
    if (owner != PODIP_ANY_OWNER && stamp->uid != owner)
        return PODIP_FILE_NOT_OWNER;
    if (owner != PODIP_ANY_OWNER && (stamp->mode & (S_IWGRP | S_IWOTH)) != 0)
        return PODIP_FILE_WRITABLE;
    if (stamp->size > (off_t)PODIP_FILE_MAX_MIB << 20)
        return PODIP_FILE_TOO_BIG;
    return PODIP_FILE_READ;
}

static enum podip_file_status read_fd(int fd, uid_t owner, struct podip_parser *p, char *chunk,
                                      size_t size, struct podip_stamp *stamp, int *err)
{
    struct stat before, after;
    if (fstat(fd, &before) != 0) {
        *err = stamp->err = errno;
        return PODIP_FILE_UNREADABLE;
    }
    stamp_of(&before, stamp);
    enum podip_file_status refused = podip_refusal(stamp, owner);
    if (refused != PODIP_FILE_READ)
        return refused;

    off_t total = 0;
    for (;;) {
        ssize_t got = read(fd, chunk, size);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *err = errno;
            return PODIP_FILE_UNREADABLE;
        }
        if (got == 0)
            break;
        total += got;
        if (total > before.st_size)
            return PODIP_FILE_CHANGING;
        podip_parser_feed(p, chunk, (size_t)got);
    }
    /* a write meanwhile moves the mtime (ctime moves too when the file is
     * only renamed over, and what was read is whole then) */
    if (fstat(fd, &after) != 0 || total != before.st_size || after.st_size != total ||
        !same_time(&after.st_mtim, &before.st_mtim))
        return PODIP_FILE_CHANGING;
    podip_parser_end(p);
    return PODIP_FILE_READ;
}

enum podip_file_status podip_read_file(const char *path, uid_t owner, struct podip_parser *p,
                                       char *chunk, size_t size, struct podip_stamp *stamp,
                                       int *err)
{
    *err = 0;
    memset(stamp, 0, sizeof *stamp);
    /* open first, then judge what is open: a path swapped between a stat
     * and an open cannot slip a device or a FIFO past the checks */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        int open_err = errno;
        /* open refuses some files that are refused anyway (a socket:
         * ENXIO), so a file that cannot be opened is judged by stat */
        stamp_path(path, stamp);
        enum podip_file_status refused =
            stamp->err == 0 ? podip_refusal(stamp, owner) : PODIP_FILE_READ;
        if (refused != PODIP_FILE_READ)
            return refused;
        memset(stamp, 0, sizeof *stamp);
        *err = stamp->err = open_err;
        return open_err == ENOENT || open_err == ENOTDIR ? PODIP_FILE_ABSENT
                                                         : PODIP_FILE_UNREADABLE;
    }
    enum podip_file_status status = read_fd(fd, owner, p, chunk, size, stamp, err);
    close(fd);
    return status;
}

/* --- the two files a process watches --------------------------------------- */

enum podip_verdict podip_verdict(enum podip_file_status status)
{
    switch (status) {
    case PODIP_FILE_READ:
    case PODIP_FILE_ABSENT:
        return PODIP_USE;
    case PODIP_FILE_UNREADABLE:
    case PODIP_FILE_SETTLING:
    case PODIP_FILE_CHANGING:
        return PODIP_KEEP;
    case PODIP_FILE_NOT_REGULAR:
    case PODIP_FILE_NOT_OWNER:
    case PODIP_FILE_WRITABLE:
    case PODIP_FILE_TOO_BIG:
        break;
    }
    return PODIP_REFUSE;
}

/* Whether W's last read came safely after the file's last change, so that
 * stat would show any later one: git's "racily clean" rule. A change within
 * the same timestamp tick as the read (a second on some file systems) leaves
 * the stamp as it was; so does one after the clock was set back. */
static bool clean(const struct podip_watch *w, time_t now)
{
    const struct podip_stamp *s = &w->stamp;
    return s->err != 0 ||
           (w->read_at <= now && podip_before_by(s->mtime.tv_sec, w->read_at, PODIP_SETTLE) &&
            podip_before_by(s->ctime.tv_sec, w->read_at, PODIP_SETTLE));
}

/* Whether W's file may have changed since it was used: false when stat
 * shows it as it was then, and that read came safely after its last change. */
static bool stale(const struct podip_watch *w, time_t now)
{
    struct podip_stamp stamp;
    stamp_path(w->path, &stamp);
    return !w->known || !same_stamp(&stamp, &w->stamp) || !clean(w, now);
}

/* Read W's file at NOW through ST's parser, and judge what was read.
 * MAY_WAIT: a configuration is in force, which may stay until a change has
 * settled. */
static enum podip_verdict read_watched(struct podip_watch *w, time_t now, bool may_wait,
                                       struct podip_state *st)
{
    struct podip_stamp stamp;
    w->status = podip_read_file(w->path, w->owner, &st->parser, st->chunk, sizeof st->chunk, &stamp,
                                &w->err);
    /* a half-written file may lack the lines that restrict it, so what is in
     * force stays until it settles; a process with none uses the file as it
     * finds it, and the racy rule reads it again (SPEC §6, "A new process
     * uses the file it finds") */
    if (w->status == PODIP_FILE_READ && may_wait && !podip_settled(&stamp, now))
        w->status = PODIP_FILE_SETTLING;
    enum podip_verdict verdict = podip_verdict(w->status);
    if (verdict != PODIP_KEEP) {
        /* KEEP leaves the stamp of what is in use: the next check reads again */
        w->known = true;
        w->stamp = stamp;
        w->read_at = now;
    }
    return verdict;
}

void podip_state_init(struct podip_state *st, const char *conf_path, uid_t conf_owner,
                      const char *resolv_path)
{
    st->conf_file.path = conf_path;
    st->conf_file.owner = conf_owner;
    st->resolv.path = resolv_path;
    st->resolv.owner = PODIP_ANY_OWNER; /* whoever can write it controls DNS anyway */
}

void podip_state_forget(struct podip_state *st)
{
    /* the standing stays: a process with a configuration in force keeps
     * it until a change has settled (SPEC §6) */
    st->conf_file.known = st->resolv.known = false;
    st->ndetected = 0;
    st->forgotten = true;
}

/* nss-podip.conf's part of a check: true if what it gives changed. */
static bool check_conf(struct podip_state *st, time_t now, podip_report_fn *report, void *ctx)
{
    if (!stale(&st->conf_file, now))
        return false;
    podip_conf_defaults(&st->scratch);
    podip_parser_init(&st->parser, &st->scratch, PODIP_SYNTAX_CONF, report, ctx);
    enum podip_verdict verdict =
        read_watched(&st->conf_file, now, st->standing == PODIP_IN_FORCE, st);
    if (verdict == PODIP_KEEP)
        return false;
    if (verdict == PODIP_REFUSE) {
        bool changed = st->standing != PODIP_ASIDE;
        st->standing = PODIP_ASIDE;
        return changed;
    }
    /* an absent file read nothing into scratch: the defaults */
    bool changed = st->standing != PODIP_IN_FORCE ||
                   memcmp(&st->from_file, &st->scratch, sizeof st->scratch) != 0;
    st->standing = PODIP_IN_FORCE;
    memcpy(&st->from_file, &st->scratch, sizeof st->scratch);
    return changed;
}

/* resolv.conf's part: it can only add zones, so a problem with it drops
 * them (REFUSE) or keeps the last ones (KEEP), never more. */
static bool check_resolv(struct podip_state *st, time_t now)
{
    if (!stale(&st->resolv, now))
        return false;
    st->scratch.nzones = st->scratch.nwildcards = 0; /* only the zones detected */
    podip_parser_init(&st->parser, &st->scratch, PODIP_SYNTAX_RESOLV, NULL, NULL);
    /* resolv.conf can only add zones: used at once */
    enum podip_verdict verdict = read_watched(&st->resolv, now, false, st);
    if (verdict == PODIP_KEEP)
        return false;
    unsigned n = verdict == PODIP_USE ? st->scratch.nzones : 0;
    const struct podip_domain *zones = st->scratch.zones;
    bool changed = n != st->ndetected || memcmp(st->detected, zones, n * sizeof zones[0]) != 0;
    st->ndetected = n;
    memcpy(st->detected, zones, n * sizeof zones[0]);
    return changed;
}

bool podip_state_check(struct podip_state *st, time_t now, podip_report_fn *report, void *ctx)
{
    bool changed = check_conf(st, now, report, ctx);
    if (st->standing == PODIP_IN_FORCE && st->from_file.detect_zones) {
        changed |= check_resolv(st, now);
    } else if (st->resolv.known || st->ndetected > 0) {
        /* not wanted now: read afresh when it is again */
        changed |= st->ndetected > 0;
        st->resolv.known = false;
        st->ndetected = 0;
    }
    if (!st->forgotten)
        return changed;
    /* forgotten: FROM_FILE may be half copied, so it is published only
     * once nss-podip.conf has been read again */
    st->forgotten = !st->conf_file.known;
    return !st->forgotten;
}

void podip_state_snapshot(const struct podip_state *st, struct podip_conf *out)
{
    if (st->standing != PODIP_IN_FORCE || st->forgotten) {
        memset(out, 0, sizeof *out); /* no zone, no wildcard: every name PASS */
        return;
    }
    memcpy(out, &st->from_file, sizeof *out);
    for (unsigned i = 0; i < st->ndetected; i++) {
        size_t len;
        const char *domain = podip_zone_domain(&st->detected[i], &len);
        podip_conf_add_zone(out, domain, len);
    }
}
