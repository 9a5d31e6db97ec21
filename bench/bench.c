/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The benchmark driver; bench/run.sh runs it and prints the tables.
 *
 *   bench gai [-s SERVICES] [-n LOOKUPS] [-r ROUNDS] [-x] NAME
 *       getaddrinfo(NAME, AF_UNSPEC, SOCK_STREAM) LOOKUPS times a round;
 *       prints the first answer, then the median, lowest and highest ns per
 *       lookup over the rounds. -s: __nss_configure_lookup("hosts", SERVICES);
 *       -x: AI_NUMERICHOST.
 *   bench once SERVICES NAME
 *       one getaddrinfo(NAME) with the hosts line SERVICES, then exit: what a
 *       program that looks one name up costs.
 *   bench spawn N NAME SERVICES_A SERVICES_B
 *       N processes of `bench once` for each hosts line, taking turns; prints
 *       the median wall time of each in microseconds, and B's over A's.
 *   bench calls MODULE NAME...
 *       under callgrind: one measured call of gethostbyname2_r(AF_INET) and of
 *       gethostbyname4_r per name and start offset, each after an unmeasured
 *       one, each dumped with the label "ENTRY NAME OFFSET". The name is
 *       copied to each OFFSET 0-63 past a 64-byte boundary in turn: glibc's
 *       strlen and memcpy cost a few instructions more or less depending on
 *       where a string starts.
 *   bench loop MODULE LOOKUPS NAME...
 *       LOOKUPS calls of each entry point per name, for memcheck's heap summary.
 *   bench threads MODULE THREADS LOOKUPS NAME
 *       gethostbyname4_r from THREADS threads, LOOKUPS each; prints lookups/s
 *       and the CPU the process used meanwhile, in percent of one core.
 *
 * MODULE is the path of a libnss_*.so.2; the entry points are called
 * directly, without getaddrinfo's own locks and allocations. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
/* Without valgrind's headers `calls` still runs, but measures nothing. */
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) ((void)(label))
#endif

extern int __nss_configure_lookup(const char *db, const char *service_line);

typedef enum nss_status gethostbyname2_fn(const char *, int, struct hostent *, char *, size_t,
                                          int *, int *);
typedef enum nss_status gethostbyname4_fn(const char *, struct gaih_addrtuple **, char *, size_t,
                                          int *, int *, int32_t *);

static struct {
    gethostbyname2_fn *by2;
    gethostbyname4_fn *by4;
} module;

static void usage(void)
{
    fprintf(stderr, "usage: bench gai [-s SERVICES] [-n LOOKUPS] [-r ROUNDS] [-x] NAME\n"
                    "       bench once SERVICES NAME\n"
                    "       bench spawn N NAME SERVICES_A SERVICES_B\n"
                    "       bench calls MODULE NAME...\n"
                    "       bench loop MODULE LOOKUPS NAME...\n"
                    "       bench threads MODULE THREADS LOOKUPS NAME\n");
    exit(2);
}

static long number(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1)
        usage();
    return v;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The module's entry points, from "libnss_NAME.so.2" as glibc names it. */
static void load(const char *path)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "bench: %s\n", dlerror());
        exit(1);
    }
    const char *base = strrchr(path, '/');
    base = base == NULL ? path : base + 1;
    char service[64], sym[128];
    if (sscanf(base, "libnss_%63[^.].so.2", service) != 1) {
        fprintf(stderr, "bench: %s is not named libnss_NAME.so.2\n", path);
        exit(1);
    }
    snprintf(sym, sizeof sym, "_nss_%s_gethostbyname2_r", service);
    module.by2 = (gethostbyname2_fn *)dlsym(h, sym);
    snprintf(sym, sizeof sym, "_nss_%s_gethostbyname4_r", service);
    module.by4 = (gethostbyname4_fn *)dlsym(h, sym);
    if (module.by2 == NULL || module.by4 == NULL) {
        fprintf(stderr, "bench: %s lacks gethostbyname2_r or 4_r\n", path);
        exit(1);
    }
}

static const char *status_name(enum nss_status s, int herr)
{
    switch (s) {
    case NSS_STATUS_SUCCESS:
        return "SUCCESS";
    case NSS_STATUS_NOTFOUND:
        return herr == NO_DATA ? "NODATA" : "NXDOMAIN";
    case NSS_STATUS_UNAVAIL:
        return "PASS";
    default:
        return "OTHER";
    }
}

static enum nss_status call2(const char *name, int af)
{
    struct hostent h;
    char buf[1024];
    int err, herr;
    return module.by2(name, af, &h, buf, sizeof buf, &err, &herr);
}

static enum nss_status call4(const char *name, int *herr)
{
    struct gaih_addrtuple *pat = NULL;
    char buf[1024];
    int err;
    int32_t ttl;
    return module.by4(name, &pat, buf, sizeof buf, &err, herr, &ttl);
}

static int cmd_calls(int argc, char **argv)
{
    int herr = 0;
    call4("10-0-0-1.default.pod.cluster.local", &herr); /* loads the configuration */
    for (int i = 0; i < argc; i++) {
        size_t len = strlen(argv[i]);
        if (len > 255) {
            fprintf(stderr, "bench: %s: longer than 255 bytes\n", argv[i]);
            return 1;
        }
        for (int off = 0; off < 64; off++) {
            _Alignas(64) char at[64 + 256];
            char *name = memcpy(at + off, argv[i], len + 1);
            char label[300];
            struct hostent h;
            char buf[1024];
            int err;
            enum nss_status s;

            /* The first call of each pair binds whatever it binds; the
             * second is measured. --toggle-collect limits the count to the
             * entry point. A pair that a second boundary splits is measured
             * again: the module looks at its files once a second, and that
             * look is not the cost of a lookup (under valgrind a second is
             * a few calls). */
            time_t t0;
            do {
                t0 = time(NULL);
                module.by2(name, AF_INET, &h, buf, sizeof buf, &err, &herr);
                CALLGRIND_ZERO_STATS;
                s = module.by2(name, AF_INET, &h, buf, sizeof buf, &err, &herr);
            } while (time(NULL) != t0);
            snprintf(label, sizeof label, "gethostbyname2_r %s %d", name, off);
            CALLGRIND_DUMP_STATS_AT(label);
            printf("gethostbyname2_r %s %d %s\n", name, off, status_name(s, herr));

            struct gaih_addrtuple *pat = NULL;
            int32_t ttl;
            do {
                t0 = time(NULL);
                module.by4(name, &pat, buf, sizeof buf, &err, &herr, &ttl);
                pat = NULL;
                CALLGRIND_ZERO_STATS;
                s = module.by4(name, &pat, buf, sizeof buf, &err, &herr, &ttl);
            } while (time(NULL) != t0);
            snprintf(label, sizeof label, "gethostbyname4_r %s %d", name, off);
            CALLGRIND_DUMP_STATS_AT(label);
            printf("gethostbyname4_r %s %d %s\n", name, off, status_name(s, herr));
        }
    }
    return 0;
}

static int cmd_loop(long lookups, int argc, char **argv)
{
    unsigned ok = 0;
    for (long n = 0; n < lookups; n++) {
        for (int i = 0; i < argc; i++) {
            int herr;
            ok += call4(argv[i], &herr) == NSS_STATUS_SUCCESS;
            ok += call2(argv[i], AF_INET) == NSS_STATUS_SUCCESS;
            ok += call2(argv[i], AF_INET6) == NSS_STATUS_SUCCESS;
        }
    }
    printf("%ld lookups of %d names, %u answers\n", lookups, argc, ok);
    return 0;
}

struct worker {
    pthread_t thread;
    pthread_barrier_t *start;
    const char *name;
    long lookups;
    long answers;
    double start_ns, end_ns; /* each thread times itself: main may run late */
};

static void *work(void *arg)
{
    struct worker *w = arg;
    long answers = 0;
    pthread_barrier_wait(w->start);
    w->start_ns = now_ns();
    for (long n = 0; n < w->lookups; n++) {
        int herr;
        answers += call4(w->name, &herr) == NSS_STATUS_SUCCESS;
    }
    w->end_ns = now_ns();
    w->answers = answers;
    return NULL;
}

static int cmd_threads(long nthreads, long lookups, const char *name)
{
    struct worker w[64];
    pthread_barrier_t start;
    if (nthreads > 64)
        usage();
    pthread_barrier_init(&start, NULL, (unsigned)nthreads + 1);
    for (long i = 0; i < nthreads; i++) {
        w[i] = (struct worker){.start = &start, .name = name, .lookups = lookups};
        if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
            fprintf(stderr, "bench: pthread_create failed\n");
            return 1;
        }
    }
    struct rusage before, after;
    getrusage(RUSAGE_SELF, &before);
    pthread_barrier_wait(&start);
    long answers = 0;
    double first = 0, last = 0;
    for (long i = 0; i < nthreads; i++) {
        pthread_join(w[i].thread, NULL);
        answers += w[i].answers;
        if (i == 0 || w[i].start_ns < first)
            first = w[i].start_ns;
        if (i == 0 || w[i].end_ns > last)
            last = w[i].end_ns;
    }
    double elapsed = last - first;
    getrusage(RUSAGE_SELF, &after);
    if (answers != nthreads * lookups) {
        fprintf(stderr, "bench: %s: %ld of %ld lookups answered\n", name, answers,
                nthreads * lookups);
        return 1;
    }
    /* The share of a core the threads got: on a busy machine two threads
     * may not run at once, and then cannot be twice as fast. */
    double cpu = (double)(after.ru_utime.tv_sec - before.ru_utime.tv_sec) +
                 (double)(after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
                 (double)(after.ru_utime.tv_usec - before.ru_utime.tv_usec) / 1e6 +
                 (double)(after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
    printf("%.0f %.0f\n", (double)answers / (elapsed / 1e9), 100 * cpu / (elapsed / 1e9));
    return 0;
}

static void print_answer(const struct addrinfo *ai, int rc)
{
    char text[INET6_ADDRSTRLEN];
    if (rc != 0) {
        printf("%s", rc == EAI_NONAME ? "EAI_NONAME" : gai_strerror(rc));
        return;
    }
    const void *addr = ai->ai_family == AF_INET
                           ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                           : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
    inet_ntop(ai->ai_family, addr, text, sizeof text);
    printf("%s", text);
}

static int cmd_gai(int argc, char **argv)
{
    long lookups = 10000, rounds = 7;
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    int opt;
    while ((opt = getopt(argc, argv, "s:n:r:x")) != -1) {
        switch (opt) {
        case 's':
            if (__nss_configure_lookup("hosts", optarg) != 0) {
                fprintf(stderr, "bench: bad services %s\n", optarg);
                return 1;
            }
            break;
        case 'n':
            lookups = number(optarg);
            break;
        case 'r':
            rounds = number(optarg);
            break;
        case 'x':
            hints.ai_flags |= AI_NUMERICHOST;
            break;
        default:
            usage();
        }
    }
    if (optind != argc - 1 || rounds > 1000)
        usage();
    const char *name = argv[optind];

    struct addrinfo *ai;
    int first = getaddrinfo(name, NULL, &hints, &ai); /* loads modules and files */
    print_answer(ai, first);
    if (first == 0)
        freeaddrinfo(ai);

    double per[1000];
    for (long r = 0; r < rounds; r++) {
        double t0 = now_ns();
        for (long n = 0; n < lookups; n++) {
            int rc = getaddrinfo(name, NULL, &hints, &ai);
            if (rc != first) {
                fprintf(stderr, "\nbench: %s answered %d, then %d\n", name, first, rc);
                return 1;
            }
            if (rc == 0)
                freeaddrinfo(ai);
        }
        per[r] = (now_ns() - t0) / (double)lookups;
    }
    qsort(per, (size_t)rounds, sizeof per[0], by_value);
    printf(" %.1f %.1f %.1f\n", per[rounds / 2], per[0], per[rounds - 1]);
    return 0;
}

static int cmd_once(const char *services, const char *name)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *ai;
    if (__nss_configure_lookup("hosts", services) != 0)
        return 1;
    int rc = getaddrinfo(name, NULL, &hints, &ai);
    if (rc == 0)
        freeaddrinfo(ai);
    return rc == 0 ? 0 : 1;
}

extern char **environ;

/* The wall time of one `bench once SERVICES NAME` process, in microseconds. */
static double spawn_once(const char *services, const char *name)
{
    char *args[] = {"bench", "once", (char *)services, (char *)name, NULL};
    double t0 = now_ns();
    pid_t pid;
    int status;
    if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, args, environ) != 0 ||
        waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "bench: once %s %s failed\n", services, name);
        exit(1);
    }
    return (now_ns() - t0) / 1e3;
}

static int cmd_spawn(long n, const char *name, const char *a, const char *b)
{
    double *ta = calloc((size_t)n, sizeof *ta), *tb = calloc((size_t)n, sizeof *tb);
    if (ta == NULL || tb == NULL)
        return 1;
    for (long i = 0; i < n; i++) { /* taking turns: load elsewhere hits both alike */
        ta[i] = spawn_once(a, name);
        tb[i] = spawn_once(b, name);
    }
    qsort(ta, (size_t)n, sizeof *ta, by_value);
    qsort(tb, (size_t)n, sizeof *tb, by_value);
    printf("%.1f %.1f %.3f\n", ta[n / 2], tb[n / 2], tb[n / 2] / ta[n / 2]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        usage();
    const char *cmd = argv[1];
    if (strcmp(cmd, "gai") == 0)
        return cmd_gai(argc - 1, argv + 1);
    if (strcmp(cmd, "once") == 0 && argc == 4)
        return cmd_once(argv[2], argv[3]);
    if (strcmp(cmd, "spawn") == 0 && argc == 6)
        return cmd_spawn(number(argv[2]), argv[3], argv[4], argv[5]);
    if (argc < 4)
        usage();
    load(argv[2]);
    if (strcmp(cmd, "calls") == 0)
        return cmd_calls(argc - 3, argv + 3);
    if (strcmp(cmd, "loop") == 0 && argc >= 5)
        return cmd_loop(number(argv[3]), argc - 4, argv + 4);
    if (strcmp(cmd, "threads") == 0 && argc == 6)
        return cmd_threads(number(argv[3]), number(argv[4]), argv[5]);
    usage();
}
