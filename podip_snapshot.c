/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The snapshot in force (SPEC §6): the two files watched, and the snapshot
 * that lookups read without a lock. */
#include "podip_snapshot.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>

/* --- watching the files --------------------------------------------------- */

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
    case PODIP_FILE_NOT_ROOT:
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
    return s->err != 0 || (w->read_at <= now &&
                           podip_before_by(s->mtime.tv_sec, w->read_at, PODIP_SETTLE) &&
                           podip_before_by(s->ctime.tv_sec, w->read_at, PODIP_SETTLE));
}

/* Whether W's file may have changed since it was used: false when stat
 * shows it as it was then, and that read came safely after its last change. */
static bool stale(const struct podip_watch *w, time_t now)
{
    struct podip_stamp stamp;
    podip_stamp_path(w->path, &stamp);
    return !w->known || !podip_same_stamp(&stamp, &w->stamp) || !clean(w, now);
}

/* Read W's file at NOW through ST's parser, and judge what was read.
 * MAY_WAIT: a configuration is in force, which may stay until a change has
 * settled. */
static enum podip_verdict read_watched(struct podip_watch *w, time_t now, bool may_wait,
                                       struct podip_state *st)
{
    struct podip_stamp stamp;
    w->status = podip_read_file(w->path, w->trusted, &st->parser, st->chunk, sizeof st->chunk,
                                &stamp, &w->err);
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

void podip_state_init(struct podip_state *st, const char *conf_path, const char *resolv_path)
{
    st->conf_file.path = conf_path;
    st->conf_file.trusted = true;
    st->resolv.path = resolv_path;
}

void podip_state_forget(struct podip_state *st)
{
    st->conf_file.known = st->resolv.known = false;
    st->standing = PODIP_UNREAD;
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
    bool changed = st->forgotten;
    st->forgotten = false;
    changed |= check_conf(st, now, report, ctx);
    if (st->standing == PODIP_IN_FORCE && st->from_file.detect_zones) {
        changed |= check_resolv(st, now);
    } else if (st->resolv.known || st->ndetected > 0) {
        /* not wanted now: read afresh when it is again */
        changed |= st->ndetected > 0;
        st->resolv.known = false;
        st->ndetected = 0;
    }
    return changed;
}

void podip_state_snapshot(const struct podip_state *st, struct podip_conf *out)
{
    if (st->standing != PODIP_IN_FORCE) {
        memset(out, 0, sizeof *out); /* no zone, no wildcard: every name PASS */
        return;
    }
    memcpy(out, &st->from_file, sizeof *out);
    for (unsigned i = 0; i < st->ndetected; i++) {
        const struct podip_domain *d = &st->detected[i];
        podip_conf_add_zone(out, d->text + 4, d->len - 4u); /* stored as "pod." + the zone */
    }
}

/* --- the snapshot lookups read -----------------------------------------------
 *
 * Two static slots hold snapshots; `current` points at the one in force. A
 * lookup loads it (acquire) and classifies under it with no lock, no
 * allocation, no system call and no shared write. A new snapshot is written
 * into the other slot, then made current with a release store. A reader
 * that loaded the old pointer and was held up until that slot is written
 * again (a second later at the earliest) must not trust what it read: so
 * each slot has a sequence number, odd while the slot is written (a
 * seqlock), taken before the lookup classifies and compared after. Whatever
 * mix of old and new bytes a reader sees, every count and length stays
 * within its table, so it cannot crash before it classifies again.
 *
 * The check of the files runs in one thread at a time, under `lock`: a
 * lookup tries it (once a second, one thread wins `checked`) and goes on
 * under the current snapshot when another thread holds it; only the first
 * lookups of a process wait for the first check. Nothing may abandon a
 * check half done and leave the lock taken: cancellation is disabled and
 * signals are blocked while it runs (a handler that siglongjmps acts once it
 * is over). glibc 2.36 still acts on an asynchronous cancellation sent just
 * before cancellation was disabled; the lock is robust, so the next thread
 * to take it learns that its holder died (EOWNERDEAD) and reads the files
 * afresh. A fork() copies the lock and the state as another thread may have
 * left them: the child's handler starts both afresh then. */

/* slots[0] starts current, all zero: a snapshot that answers no name */
static struct podip_slot slots[2];
static _Atomic(struct podip_slot *) current = &slots[0];
static atomic_bool loaded;   /* the first check is over */
static _Atomic time_t checked; /* time(NULL) of the last one */

static pthread_mutex_t lock;
static pthread_once_t made = PTHREAD_ONCE_INIT;
/* in .bss, made ready by the first check: an initializer would put its
 * 50 KB in .data, read in by every process that loads the module */
static struct podip_state state;

static void publish(void)
{
    struct podip_slot *cur = atomic_load_explicit(&current, memory_order_relaxed);
    struct podip_slot *next = cur == &slots[0] ? &slots[1] : &slots[0];
    unsigned seq = atomic_load_explicit(&next->seq, memory_order_relaxed);
    seq += (seq & 1) ? 2 : 1; /* odd already if a fork cut a rewrite short */
    atomic_store_explicit(&next->seq, seq, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    podip_state_snapshot(&state, &next->conf);
    atomic_store_explicit(&next->seq, seq + 1, memory_order_release);
    atomic_store_explicit(&current, next, memory_order_release);
}

static void init_lock(void)
{
    pthread_mutexattr_t robust;
    pthread_mutexattr_init(&robust);
    pthread_mutexattr_setrobust(&robust, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&lock, &robust);
    pthread_mutexattr_destroy(&robust);
}

static void after_fork(void)
{
    if (pthread_mutex_trylock(&lock) == 0) {
        pthread_mutex_unlock(&lock);
        return;
    }
    /* a thread of the parent was checking the files: it is not here */
    init_lock();
    podip_state_forget(&state);
}

/* What the first check needs made, once: the lock, its fork handler, and
 * the state (already zero, in .bss). */
static void first_use(void)
{
    init_lock();
    pthread_atfork(NULL, NULL, after_fork);
    podip_state_init(&state, PODIP_CONF_PATH, PODIP_RESOLV_PATH);
}

static bool take_lock(bool wait)
{
    pthread_once(&made, first_use);
    int rc = wait ? pthread_mutex_lock(&lock) : pthread_mutex_trylock(&lock);
    if (rc == EOWNERDEAD) {
        /* its holder died in the middle of a check */
        podip_state_forget(&state);
        pthread_mutex_consistent(&lock);
        return true;
    }
    return rc == 0;
}

/* The check of the files, under the lock. */
static void check_locked(time_t now)
{
    atomic_store_explicit(&checked, now, memory_order_relaxed);
    if (podip_state_check(&state, now, NULL, NULL) ||
        !atomic_load_explicit(&loaded, memory_order_relaxed))
        publish();
    atomic_store_explicit(&loaded, true, memory_order_release);
}

static void check(time_t now)
{
    bool first = !atomic_load_explicit(&loaded, memory_order_acquire);
    time_t seen = atomic_load_explicit(&checked, memory_order_relaxed);
    if (!first && (seen == now || !atomic_compare_exchange_strong_explicit(
                                      &checked, &seen, now, memory_order_relaxed,
                                      memory_order_relaxed)))
        return; /* another thread looks at the files this second */

    int saved_errno = errno, cancel;
    sigset_t all, old;
    pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel);
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    if (take_lock(first)) {
        /* first lookups in several threads: one checks, the others wait */
        if (!first || !atomic_load_explicit(&loaded, memory_order_acquire))
            check_locked(now);
        pthread_mutex_unlock(&lock);
    }
    errno = saved_errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_setcancelstate(cancel, NULL);
}

struct podip_view podip_snapshot_begin(void)
{
    time_t now = time(NULL);
    /* `loaded` too: a clock may read the same second as `checked` starts with */
    if (!atomic_load_explicit(&loaded, memory_order_acquire) ||
        now != atomic_load_explicit(&checked, memory_order_relaxed))
        check(now);
    struct podip_slot *s = atomic_load_explicit(&current, memory_order_acquire);
    /* odd: being written; made even, the ticket never matches again */
    unsigned seq = atomic_load_explicit(&s->seq, memory_order_acquire);
    return (struct podip_view){s, seq & ~1u};
}
