/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Thread stress: 8 threads, 200,000 lookups each, over pod,
 * non-pod, invalid and over-long names, with small and large buffers at any
 * misalignment, every answer judged against SPEC §3-§4 and the reference
 * decoding (tests/contract.h). Built with ThreadSanitizer by tests/run-all.sh.
 *
 *   stress [THREADS [LOOKUPS]]       under whatever configuration is in force
 *   stress -c [THREADS [LOOKUPS [CYCLES]]]
 *                                    while a thread rewrites the configuration
 *                                    file every 2 ms, switching between two
 *                                    configurations (the second with a ttl that
 *                                    changes every other cycle, so the module
 *                                    recycles its snapshot slots); each answer
 *                                    must be right for one of them, and both
 *                                    must be seen
 *   stress --conf-path               print the configuration file's path
 *
 * -c writes PODIP_CONF_PATH: tests/stress.sh runs it only in a private mount
 * namespace with a tmpfs over that directory, never on the real file. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "../podip_watch.h"
#include "contract.h"
#include "repeat.h"

static const char *const fixed_names[] = {
    "10-42-2-46.default.pod.cluster.local",
    "10-42-2-46.default.pod.cluster.local.",
    "fd00-10-244--5.kube-system.pod.cluster.local",
    "--ffff-a00-1.default.pod.cluster.local",
    "_http._tcp.10-1-2-3.default.pod.cluster.local",
    "10-42-2-46.default.pod",
    "1-1-1-1.app.pod.cluster.local",
    "10-42-0-1.other.pod.cluster.local",
    "fd00--7.default.pod",
    "10-42-0-1.default.pod.k8s.example.com",
    "app.10-42-0-9.nip.io",
    "default.pod.cluster.local",
    "pod.cluster.local",
    "010-0-0-1.default.pod.cluster.local",
    "10-0-0-256.default.pod.cluster.local",
    "a.b.c.10-0-0-1.default.pod.cluster.local",
    "10-0-0-1.bad_ns.pod.cluster.local",
    "\xff\xfe.default.pod.cluster.local",
    "my-svc.default.svc.cluster.local",
    "example.com",
    "localhost",
    "",
    "....",
    LONG63 "d.default.pod.cluster.local",
    LONG63 "." LONG63 "." LONG63 "." LONG63 ".10-1-2-3.default.pod.cluster.local",
    LONG63 "." LONG63 ".10-1-2-3." LONG63 ".pod.cluster.local",
};
#define NFIXED (sizeof fixed_names / sizeof fixed_names[0])
#define NNAMES (NFIXED + 2)

/* The two configurations -c switches between, as written and as read. */
static const char conf_text[2][256] = {
    "detect-zones no\nzone cluster.local\nrelative yes\nttl 5\n",
    "detect-zones no\nzone k8s.example.com\nzone cluster.local\nrelative no\n"
    "namespace default\nallow 10.42.0.0/16\nallow fd00::/8\nwildcard nip.io\nttl 3",
};
#define TTL_VARIANTS 4 /* the second one's ttl is 30 to 33 */
static const struct ref_conf ref_confs[2] = {
    {.zones = {"cluster.local"}, .nzones = 1, .relative = true, .ttl = 5},
    {.zones = {"k8s.example.com", "cluster.local"},
     .nzones = 2,
     .relative = false,
     .ttl = 30,
     .namespaces = {"default"},
     .nnamespaces = 1,
     .allow = {"10.42.0.0/16", "fd00::/8"},
     .nallow = 2,
     .wildcards = {"nip.io"},
     .nwildcards = 1},
};

struct expected {
    const char *name;
    struct ref_answer ref[2]; /* under each configuration; [0] without -c */
};
static struct expected names[NNAMES];

static unsigned lookups = 200000, cycles = 2;
static bool rewriting;              /* -c */
static atomic_bool enough_switches; /* the writer has switched often enough */
static atomic_uint running, wrong;

struct tally {
    unsigned id;
    unsigned long answered, short_buffer, refused;
    unsigned long only[2]; /* answers right for one configuration only */
};

static uint32_t next_random(uint32_t *x)
{
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void *worker(void *arg)
{
    struct tally *t = arg;
    static const int families[] = {AF_INET, AF_INET6, AF_UNSPEC, AF_UNIX};
    static const size_t sizes[] = {0, 8, 24, 40, 48, 56, 64, 80, 120, 1100, 4096};
    static _Thread_local char arena[4096 + 16];
    uint32_t x = 2463534242u + t->id * 7919u;
    for (unsigned i = 0; i < lookups || (rewriting && !atomic_load(&enough_switches)); i++) {
        const struct expected *e = &names[next_random(&x) % NNAMES];
        uint32_t r = next_random(&x);
        struct lookup l = {
            .entry = (enum entry)(r % E_COUNT),
            .family = families[(r >> 4) % 4],
            .extras = (r >> 6) & 1,
            .buflen = sizes[(r >> 8) % (sizeof sizes / sizeof sizes[0])],
            .buf = arena + (r >> 16) % 16,
        };
        lookup_run(&l, e->name);
        const char *why = lookup_judge(&l, e->name, &e->ref[0], ref_confs[0].ttl);
        if (rewriting) {
            unsigned ttl = l.ttl >= 30 && l.ttl < 30 + TTL_VARIANTS ? (unsigned)l.ttl : 30;
            const char *why_b = lookup_judge(&l, e->name, &e->ref[1], ttl);
            if (why == NULL && why_b != NULL)
                t->only[0]++;
            if (why != NULL && why_b == NULL)
                t->only[1]++;
            if (why_b == NULL)
                why = NULL;
        }
        if (why != NULL) {
            if (atomic_fetch_add(&wrong, 1) < 10)
                fprintf(stderr, "wrong: thread %u: \"%.60s\" entry %d family %d buflen %zu: %s\n",
                        t->id, e->name, l.entry, l.family, l.buflen, why);
            continue;
        }
        if (l.status == NSS_STATUS_SUCCESS)
            t->answered++;
        else if (l.status == NSS_STATUS_TRYAGAIN)
            t->short_buffer++;
        else
            t->refused++;
    }
    atomic_fetch_sub(&running, 1);
    return NULL;
}

/* Replace the file as an editor or a package would: a new file renamed over
 * it, or (every fourth time) truncated and rewritten in place in two writes.
 * Once whole, its mtime is set 10 s back (as `cp -p` or rsync would), so the
 * module may use it at its next look; a half-written file has a fresh mtime,
 * and the module must never use it (SPEC §6). */
static void write_conf(const char *text, bool in_place)
{
    const char *path = PODIP_CONF_PATH;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(in_place ? path : tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    size_t n = strlen(text), half = n / 2;
    if (fd < 0 || fchmod(fd, 0644) != 0 || write(fd, text, half) != (ssize_t)half) {
        perror(path);
        exit(2);
    }
    if (in_place)
        usleep(100);
    struct timespec old[2];
    clock_gettime(CLOCK_REALTIME, &old[0]);
    old[0].tv_sec -= 10;
    old[1] = old[0];
    if (write(fd, text + half, n - half) != (ssize_t)(n - half) || futimens(fd, old) != 0 ||
        close(fd) != 0 || (!in_place && rename(tmp, path) != 0)) {
        perror(path);
        exit(2);
    }
}

/* Cycles of a 200 ms burst of rewrites every 2 ms, then the file left
 * alone for 1.3 s, long enough for the module to take it (it looks once a
 * second); alternate cycles end on each configuration. */
static void *writer(void *arg)
{
    unsigned *writes = arg;
    for (unsigned cycle = 0; atomic_load(&running) > 0; cycle++) {
        for (unsigned i = 0; i < 100 && atomic_load(&running) > 0; i++) {
            unsigned which = (cycle + i + 1) % 2;
            char text[300];
            if (which == 0)
                snprintf(text, sizeof text, "%s", conf_text[0]);
            else
                snprintf(text, sizeof text, "%s%u\n", conf_text[1], cycle / 2 % TTL_VARIANTS);
            write_conf(text, *writes % 4 == 3);
            ++*writes;
            usleep(2000);
        }
        for (unsigned i = 0; i < 130 && atomic_load(&running) > 0; i++)
            usleep(10000);
        if (cycle + 1 >= cycles)
            atomic_store(&enough_switches, true);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--conf-path") == 0) {
        printf("%s\n", PODIP_CONF_PATH);
        return 0;
    }
    if (argc > 1 && strcmp(argv[1], "-c") == 0) {
        /* never the real file: only a tmpfs a private namespace put there */
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", PODIP_CONF_PATH);
        *strrchr(dir, '/') = '\0';
        struct statfs fs;
        if (statfs(dir, &fs) != 0 || fs.f_type != 0x01021994 /* TMPFS_MAGIC */) {
            fprintf(stderr, "stress: -c writes only to a tmpfs, and %s is none\n", dir);
            return 2;
        }
        rewriting = true;
        argc--, argv++;
    }
    unsigned nthreads = argc > 1 ? (unsigned)atoi(argv[1]) : 8;
    if (argc > 2)
        lookups = (unsigned)atoi(argv[2]);
    if (argc > 3)
        cycles = (unsigned)atoi(argv[3]);
    if (nthreads < 1 || nthreads > 64)
        return 2;

    for (size_t i = 0; i < NFIXED; i++)
        names[i].name = fixed_names[i];
    names[NFIXED].name = repeat("a", 5000, ".default.pod.cluster.local");
    names[NFIXED + 1].name = repeat("x.", 2000, "example.com");
    for (size_t i = 0; i < NNAMES; i++) {
        /* without -c, whatever is in force is taken to be the defaults */
        ref_classify(rewriting ? &ref_confs[0] : &ref_defaults, names[i].name, &names[i].ref[0]);
        ref_classify(&ref_confs[1], names[i].name, &names[i].ref[1]);
    }
    pthread_t writer_thread;
    unsigned writes = 0;
    atomic_store(&running, nthreads);
    if (rewriting) {
        write_conf(conf_text[0], false); /* in force before the first lookup */
        if (pthread_create(&writer_thread, NULL, writer, &writes) != 0)
            return 2;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t threads[64];
    struct tally tallies[64] = {{0}};
    for (unsigned i = 0; i < nthreads; i++) {
        tallies[i].id = i;
        if (pthread_create(&threads[i], NULL, worker, &tallies[i]) != 0)
            return 2;
    }
    struct tally sum = {0};
    for (unsigned i = 0; i < nthreads; i++) {
        pthread_join(threads[i], NULL);
        sum.answered += tallies[i].answered;
        sum.short_buffer += tallies[i].short_buffer;
        sum.refused += tallies[i].refused;
        sum.only[0] += tallies[i].only[0];
        sum.only[1] += tallies[i].only[1];
    }
    if (rewriting)
        pthread_join(writer_thread, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    unsigned bad = atomic_load(&wrong);
    unsigned long total = sum.answered + sum.short_buffer + sum.refused + bad;
    printf("# %u threads, %lu lookups (at least %u each) in %.1f s: %lu answered, "
           "%lu short buffers, %lu not found or passed on, %u wrong\n",
           nthreads, total, lookups, secs, sum.answered, sum.short_buffer, sum.refused, bad);
    if (rewriting) {
        bool both = sum.only[0] > 0 && sum.only[1] > 0;
        printf("# %u rewrites of %s; answers only the first configuration gives: %lu, "
               "only the second: %lu%s\n",
               writes, PODIP_CONF_PATH, sum.only[0], sum.only[1],
               both ? "" : " (both must be seen)");
        if (!both)
            bad++;
    }
    return bad == 0 ? 0 : 1;
}
