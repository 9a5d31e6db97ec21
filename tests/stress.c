/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Thread stress (issue 6): 8 threads, 200,000 lookups each, over pod,
 * non-pod, invalid and over-long names, with small and large buffers at any
 * misalignment, every answer judged against SPEC §3-§4 and the reference
 * decoding (fuzz/contract.h). Built with ThreadSanitizer by tests/run-all.sh.
 *
 *   stress [THREADS [LOOKUPS]] */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "../fuzz/contract.h"

#define LONG63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"

static const char *const fixed_names[] = {
    "10-42-2-46.default.pod.cluster.local",
    "10-42-2-46.default.pod.cluster.local.",
    "fd00-10-244--5.kube-system.pod.cluster.local",
    "--ffff-a00-1.default.pod.cluster.local",
    "_http._tcp.10-1-2-3.default.pod.cluster.local",
    "10-42-2-46.default.pod",
    "1-1-1-1.app.pod.cluster.local",
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

struct expected {
    const char *name;
    struct ref_answer ref;
};
static struct expected names[NNAMES];

static unsigned lookups = 200000;
static atomic_uint wrong;

struct tally {
    unsigned id;
    unsigned long answered, short_buffer, refused;
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
    for (unsigned i = 0; i < lookups; i++) {
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
        const char *why = lookup_judge(&l, e->name, &e->ref, ref_defaults.ttl);
        if (why != NULL) {
            if (atomic_fetch_add(&wrong, 1) < 10)
                fprintf(stderr, "FAIL: thread %u: \"%.60s\" entry %d family %d buflen %zu: %s\n",
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
    return NULL;
}

static char *repeat(const char *unit, size_t count, const char *tail)
{
    size_t u = strlen(unit), n = strlen(tail);
    char *s = malloc(u * count + n + 1);
    if (s == NULL)
        abort();
    for (size_t i = 0; i < count; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * count, tail, n + 1);
    return s;
}

int main(int argc, char **argv)
{
    unsigned nthreads = argc > 1 ? (unsigned)atoi(argv[1]) : 8;
    if (argc > 2)
        lookups = (unsigned)atoi(argv[2]);
    if (nthreads < 1 || nthreads > 64)
        return 2;

    for (size_t i = 0; i < NFIXED; i++)
        names[i].name = fixed_names[i];
    names[NFIXED].name = repeat("a", 5000, ".default.pod.cluster.local");
    names[NFIXED + 1].name = repeat("x.", 2000, "example.com");
    for (size_t i = 0; i < NNAMES; i++)
        ref_classify(&ref_defaults, names[i].name, &names[i].ref);

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
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    unsigned bad = atomic_load(&wrong);
    printf("%s: %u threads x %u lookups in %.1f s: %lu answered, %lu short buffers, "
           "%lu not found or passed on, %u wrong\n",
           bad == 0 ? "PASS" : "FAIL", nthreads, lookups, secs, sum.answered, sum.short_buffer,
           sum.refused, bad);
    return bad == 0 ? 0 : 1;
}
