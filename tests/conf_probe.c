/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Look names up many times in one long-running process, for the reload
 * tests of tests/conf.sh (SPEC §6: a changed file is noticed without a
 * restart, and without a system call on every lookup).
 *
 *   conf_probe MODULE count N NAME          N lookups; print the last answer
 *   conf_probe MODULE wait MS NAME WANT     look up until the answer is WANT
 *   conf_probe MODULE threads T MS NAME=ANSWER[|ANSWER]...
 *                                           T threads for MS milliseconds; every
 *                                           answer must be one of those listed
 *
 * MODULE is the path of libnss_podip.so.2, whose _nss_podip_gethostbyname3_r
 * is called directly (so strace shows the module's system calls only), or
 * "glibc" for gethostbyname2_r through glibc with the hosts line "podip".
 * An answer is "ADDRESS ttl=N", "NODATA", "NXDOMAIN" or "PASS". */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

extern int __nss_configure_lookup(const char *db, const char *service_line);

typedef enum nss_status lookup_fn(const char *name, int af, struct hostent *result, char *buffer,
                                  size_t buflen, int *errnop, int *h_errnop, int32_t *ttlp,
                                  char **canonp);
static lookup_fn *module_lookup;

static void answer(const char *name, char *out, size_t size)
{
    struct hostent h, *hp = NULL;
    char buf[1024];
    int err = 0, herr = 0;
    int32_t ttl = -1;
    enum nss_status status;
    if (module_lookup != NULL) {
        status = module_lookup(name, AF_INET, &h, buf, sizeof buf, &err, &herr, &ttl, NULL);
    } else {
        gethostbyname2_r(name, AF_INET, &h, buf, sizeof buf, &hp, &herr);
        status = hp != NULL            ? NSS_STATUS_SUCCESS
                 : herr == NO_RECOVERY ? NSS_STATUS_UNAVAIL
                                       : NSS_STATUS_NOTFOUND;
    }
    char addr[INET6_ADDRSTRLEN];
    if (status == NSS_STATUS_SUCCESS) {
        inet_ntop(h.h_addrtype, h.h_addr_list[0], addr, sizeof addr);
        if (ttl >= 0)
            snprintf(out, size, "%s ttl=%d", addr, (int)ttl);
        else
            snprintf(out, size, "%s", addr);
    } else if (status == NSS_STATUS_NOTFOUND) {
        snprintf(out, size, "%s", herr == NO_DATA ? "NODATA" : "NXDOMAIN");
    } else if (status == NSS_STATUS_UNAVAIL) {
        snprintf(out, size, "PASS");
    } else {
        snprintf(out, size, "ERROR status %d errno %d h_errno %d", status, err, herr);
    }
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct expect {
    char name[256];
    char answers[512]; /* "A|B|C" */
};
static struct expect *expects;
static int nexpects;
static long long deadline;
static atomic_long lookups, mismatches;
static atomic_long counts[8][4]; /* per expectation, per listed answer */

static int answer_index(const struct expect *e, const char *got)
{
    const char *s = e->answers;
    for (int i = 0;; i++) {
        const char *bar = strchr(s, '|');
        size_t n = bar != NULL ? (size_t)(bar - s) : strlen(s);
        if (strlen(got) == n && memcmp(got, s, n) == 0)
            return i;
        if (bar == NULL)
            return -1;
        s = bar + 1;
    }
}

static void *worker(void *arg)
{
    (void)arg;
    char got[128];
    while (now_ms() < deadline) {
        for (int i = 0; i < nexpects; i++) {
            answer(expects[i].name, got, sizeof got);
            atomic_fetch_add(&lookups, 1);
            int k = answer_index(&expects[i], got);
            if (k < 0) {
                if (atomic_fetch_add(&mismatches, 1) < 5)
                    fprintf(stderr, "conf_probe: %s: got \"%s\", want one of %s\n", expects[i].name,
                            got, expects[i].answers);
            } else if (k < 4) {
                atomic_fetch_add(&counts[i][k], 1);
            }
        }
    }
    return NULL;
}

static int usage(void)
{
    fprintf(stderr, "usage: conf_probe MODULE count N NAME | wait MS NAME WANT | "
                    "threads T MS NAME=ANSWER[|ANSWER]...\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    if (strcmp(argv[1], "glibc") == 0) {
        __nss_configure_lookup("hosts", "podip");
    } else {
        void *lib = dlopen(argv[1], RTLD_NOW);
        if (lib == NULL) {
            fprintf(stderr, "conf_probe: %s\n", dlerror());
            return 2;
        }
        module_lookup = (lookup_fn *)dlsym(lib, "_nss_podip_gethostbyname3_r");
        if (module_lookup == NULL)
            return 2;
    }
    char got[128];
    if (strcmp(argv[2], "count") == 0 && argc == 5) {
        long n = atol(argv[3]);
        for (long i = 0; i < n; i++)
            answer(argv[4], got, sizeof got);
        printf("%s\n", got);
        return 0;
    }
    if (strcmp(argv[2], "wait") == 0 && argc == 6) {
        long long start = now_ms(), end = start + atol(argv[3]);
        answer(argv[4], got, sizeof got);
        printf("first: %s\n", got);
        fflush(stdout);
        long n = 0;
        while (strcmp(got, argv[5]) != 0) {
            if (now_ms() > end) {
                printf("timeout after %ld lookups: %s\n", n, got);
                return 1;
            }
            answer(argv[4], got, sizeof got);
            n++;
        }
        printf("%s after %lld ms\n", got, now_ms() - start);
        return 0;
    }
    if (strcmp(argv[2], "threads") == 0 && argc >= 6 && argc - 5 <= 8) {
        int nthreads = atoi(argv[3]);
        nexpects = argc - 5;
        expects = calloc((size_t)nexpects, sizeof *expects);
        for (int i = 0; i < nexpects; i++) {
            const char *eq = strchr(argv[5 + i], '=');
            if (eq == NULL)
                return usage();
            snprintf(expects[i].name, sizeof expects[i].name, "%.*s", (int)(eq - argv[5 + i]),
                     argv[5 + i]);
            snprintf(expects[i].answers, sizeof expects[i].answers, "%s", eq + 1);
        }
        deadline = now_ms() + atol(argv[4]);
        pthread_t t[64];
        if (nthreads < 1 || nthreads > 64)
            return usage();
        for (int i = 0; i < nthreads; i++)
            pthread_create(&t[i], NULL, worker, NULL);
        for (int i = 0; i < nthreads; i++)
            pthread_join(t[i], NULL);
        printf("%ld lookups in %d threads, %ld answers not listed\n", atomic_load(&lookups),
               nthreads, atomic_load(&mismatches));
        int distinct = 0;
        for (int i = 0; i < nexpects; i++) {
            printf("  %s:", expects[i].name);
            const char *s = expects[i].answers;
            for (int k = 0; k < 4 && s != NULL; k++) {
                const char *bar = strchr(s, '|');
                distinct += atomic_load(&counts[i][k]) > 0;
                printf(" %ld \"%.*s\"", atomic_load(&counts[i][k]),
                       bar != NULL ? (int)(bar - s) : (int)strlen(s), s);
                s = bar != NULL ? bar + 1 : NULL;
            }
            printf("\n");
        }
        printf("distinct answers seen: %d\n", distinct);
        return atomic_load(&mismatches) == 0 ? 0 : 1;
    }
    return usage();
}
