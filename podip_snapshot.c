/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The snapshot in force for this process (SPEC §6): the state of the two
 * files (podip_watch.h), checked once a second by one thread, and the
 * snapshot lookups classify under without a lock. */
#include "podip_snapshot.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>

#include "podip_watch.h"

/* Two static slots hold snapshots; `current` points at the one in force. A
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
 * to take it learns that its holder died (EOWNERDEAD) and has the state
 * read the files again (podip_state_forget: what is in force stays). A
 * fork() copies the lock and the state as another thread may have left
 * them: the child's handler makes a new lock and does the same. */

struct slot {
    _Atomic unsigned seq; /* odd while the slot is written */
    struct podip_conf conf;
};

/* slots[0] starts current, all zero: a snapshot that answers no name */
static struct slot slots[2];
static _Atomic(struct slot *) current = &slots[0];
static atomic_bool loaded;     /* the first check is over */
static _Atomic time_t checked; /* time(NULL) of the last one */

static pthread_mutex_t lock;
static pthread_once_t made = PTHREAD_ONCE_INIT;
/* in .bss, made ready by the first check: an initializer would put it in
 * .data, read in by every process that loads the module */
static struct podip_state state;

static void publish(void)
{
    struct slot *cur = atomic_load_explicit(&current, memory_order_relaxed);
    struct slot *next = cur == &slots[0] ? &slots[1] : &slots[0];
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
    podip_state_init(&state, PODIP_CONF_PATH, PODIP_CONF_OWNER, PODIP_RESOLV_PATH);
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
    if (!first &&
        (seen == now || !atomic_compare_exchange_strong_explicit(
                            &checked, &seen, now, memory_order_relaxed, memory_order_relaxed)))
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

enum podip_kind podip_snapshot_classify(const char *name, struct podip_outcome *out, uint32_t *ttl)
{
    time_t now = time(NULL);
    /* `loaded` too: a clock may read the same second as `checked` starts with */
    if (!atomic_load_explicit(&loaded, memory_order_acquire) ||
        now != atomic_load_explicit(&checked, memory_order_relaxed))
        check(now);
    const struct slot *s;
    unsigned ticket;
    enum podip_kind kind;
    do {
        s = atomic_load_explicit(&current, memory_order_acquire);
        /* odd: being written; made even, the ticket never matches again */
        ticket = atomic_load_explicit(&s->seq, memory_order_acquire) & ~1u;
        kind = podip_classify(name, &s->conf, out);
        *ttl = s->conf.ttl;
        atomic_thread_fence(memory_order_acquire);
    } while (atomic_load_explicit(&s->seq, memory_order_relaxed) != ticket);
    return kind;
}
