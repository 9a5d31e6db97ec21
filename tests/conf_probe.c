/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Look names up many times in one long-running process, for the reload
 * tests of tests/conf.sh, tests/reload.sh and tests/conf-syscalls.sh (SPEC
 * §6: a changed file is noticed without a restart, and without a system
 * call on every lookup).
 *
 *   conf_probe MODULE count N NAME          N lookups; print the last answer
 *   conf_probe MODULE wait MS NAME WANT     look up until the answer is WANT
 *   conf_probe MODULE threads T MS NAME=ANSWER[|ANSWER]...
 *                                           T threads for MS milliseconds; every
 *                                           answer must be one of those listed
 *   conf_probe MODULE steps STEP...         the steps below, in order; the first
 *                                           that fails ends the run with status 1
 *
 * Steps (WANT is an answer, or several joined by '|'):
 *   lookup NAME WANT      one lookup
 *   until MS NAME WANT    look up until the answer is WANT, at most MS ms
 *   hold MS NAME WANT     look up for MS ms; every answer must be WANT
 *   jump MS NAME WANT     hold, while a timer's signal handler siglongjmps out
 *                         of a lookup every 50-350 us
 *   cancel MS NAME WANT   hold, in threads cancelled (asynchronously) after
 *                         50-350 us each, one after the other
 *   fork MS NAME A B      for MS ms, a thread looks NAME up while the main one
 *                         forks a child 1.5-10 ms into each second, when that
 *                         thread is likely to be checking the files; each child
 *                         looks NAME up every 5 ms and must see both answers A
 *                         and B within 5 s
 *   nofd / freefd         use up every file descriptor / give them back
 *   seccomp               from now on, opening or stat'ing a file fails (EPERM)
 *   write PATH TEXT       rewrite PATH in place (truncate, then one write)
 *   sleep MS
 *   ready                 print "ready" (a script waits for it)
 *
 * MODULE is the path of libnss_podip.so.2, whose _nss_podip_gethostbyname3_r
 * is called directly (so strace shows the module's system calls only), or
 * "glibc" for gethostbyname2_r through glibc with the hosts line "podip".
 * An answer is "ADDRESS ttl=N", "NODATA", "NXDOMAIN" or "PASS". */
#include "config.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#ifdef HAVE_SECCOMP
#include <seccomp.h>
#endif

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

/* The system call itself: libfaketime, which moves the module's clock in
 * tests/reload.sh, does not move this one. */
static long long now_ms(void)
{
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_BOOTTIME, &ts);
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
                    "threads T MS NAME=ANSWER[|ANSWER]... | steps STEP...\n");
    return 2;
}

/* --- steps ------------------------------------------------------------------ */

static bool one_of(const char *wants, const char *got)
{
    struct expect e;
    snprintf(e.answers, sizeof e.answers, "%s", wants);
    return answer_index(&e, got) >= 0;
}

/* hold_for's lookups, for the signal and the cancellation steps too. */
static const char *hold_name, *hold_want;
static atomic_long held, wrong;
static char wrong_answer[128];

static void hold_once(void)
{
    char got[128];
    answer(hold_name, got, sizeof got);
    atomic_fetch_add(&held, 1);
    if (!one_of(hold_want, got) && atomic_fetch_add(&wrong, 1) == 0)
        snprintf(wrong_answer, sizeof wrong_answer, "%s", got);
}

static int hold_verdict(const char *what, long events)
{
    long n = atomic_load(&held), bad = atomic_load(&wrong);
    printf("# %s %s: %ld lookups", what, hold_name, n);
    if (events >= 0)
        printf(", %ld times", events);
    printf(", %ld not %s%s%s\n", bad, hold_want, bad ? ", first: " : "", bad ? wrong_answer : "");
    return bad == 0 && n > 0 ? 0 : 1;
}

static sigjmp_buf jump_back;
static volatile sig_atomic_t jumping;
static long jumps;

static void on_alarm(int sig)
{
    (void)sig;
    if (jumping)
        siglongjmp(jump_back, 1);
}

/* 50-349 us, from a generator with no lock (rand() has one, and a jump out
 * of it would leave it taken). */
static unsigned random_us(void)
{
    static unsigned x = 2463534242u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return 50 + x % 300;
}

static int jump_for(long ms)
{
    struct sigaction sa = {.sa_handler = on_alarm};
    sigaction(SIGALRM, &sa, NULL);
    long long end = now_ms() + ms;
    while (now_ms() < end) {
        if (sigsetjmp(jump_back, 1) != 0)
            jumps++;
        jumping = 0;
        struct itimerval t = {{0, 0}, {0, random_us()}};
        jumping = 1;
        setitimer(ITIMER_REAL, &t, NULL);
        for (int i = 0; i < 100 && now_ms() < end; i++)
            hold_once();
        jumping = 0;
    }
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_REAL, &off, NULL);
    jumping = 0;
    return hold_verdict("jump", jumps);
}

static void *cancelled_worker(void *arg)
{
    (void)arg;
    pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
    for (;;)
        hold_once();
    return NULL;
}

static int cancel_for(long ms)
{
    long long end = now_ms() + ms;
    long cancels = 0;
    while (now_ms() < end) {
        pthread_t t;
        if (pthread_create(&t, NULL, cancelled_worker, NULL) != 0)
            return 1;
        usleep(random_us());
        pthread_cancel(t);
        pthread_join(t, NULL);
        cancels++;
    }
    return hold_verdict("cancel", cancels);
}

static atomic_bool forking;

static void *forked_worker(void *arg)
{
    char got[128];
    while (atomic_load(&forking))
        answer(arg, got, sizeof got);
    return NULL;
}

/* In a child: look NAME up until both A and B were seen, at most 5 s. */
static int both_seen(const char *name, const char *a, const char *b)
{
    char got[128];
    bool seen_a = false, seen_b = false;
    long long end = now_ms() + 5000;
    while (!(seen_a && seen_b) && now_ms() < end) {
        answer(name, got, sizeof got);
        seen_a |= strcmp(got, a) == 0;
        seen_b |= strcmp(got, b) == 0;
        usleep(5000);
    }
    return seen_a && seen_b ? 0 : 1;
}

static int fork_for(long ms, const char *name, const char *a, const char *b)
{
    pthread_t t;
    atomic_store(&forking, true);
    if (pthread_create(&t, NULL, forked_worker, (void *)name) != 0)
        return 1;
    long long end = now_ms() + ms;
    int children = 0, failed = 0, status;
    pid_t pid;
    while (now_ms() < end) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        usleep((useconds_t)(1000000 - ts.tv_nsec / 1000) + random_us() * 30);
        if ((pid = fork()) == 0)
            _exit(both_seen(name, a, b));
        if (pid < 0)
            return 1;
        children++;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
            failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    atomic_store(&forking, false);
    pthread_join(t, NULL);
    while ((pid = waitpid(-1, &status, 0)) > 0)
        failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    printf("# fork %s: %d children, %d did not see both %s and %s\n", name, children, failed, a, b);
    return failed == 0 && children > 0 ? 0 : 1;
}

static int spare_fds[4096], nspare;

static int use_up_fds(void)
{
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    r.rlim_cur = 64; /* quick to fill */
    setrlimit(RLIMIT_NOFILE, &r);
    int fd;
    while (nspare < 4096 && (fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
        spare_fds[nspare++] = fd;
    printf("# nofd: %d descriptors taken, then: %s\n", nspare, strerror(errno));
    return errno == EMFILE ? 0 : 1;
}

static void free_fds(void)
{
    while (nspare > 0)
        close(spare_fds[--nspare]);
}

static int refuse_files(void)
{
#ifdef HAVE_SECCOMP
    static const char *calls[] = {"open",   "openat",  "openat2",    "stat",
                                  "lstat",  "fstat",   "newfstatat", "statx",
                                  "stat64", "lstat64", "fstat64",    "fstatat64"};
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return 1;
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        int nr = seccomp_syscall_resolve_name(calls[i]);
        if (nr != __NR_SCMP_ERROR && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0) != 0)
            return 1;
    }
    int rc = seccomp_load(ctx);
    seccomp_release(ctx);
    printf("# seccomp: open and stat now fail with EPERM\n");
    return rc == 0 ? 0 : 1;
#else
    printf("# seccomp: this conf_probe was built without libseccomp\n");
    return 1;
#endif
}

static int rewrite(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0)
        return 1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : 1;
}

static int steps(int argc, char **argv)
{
    char got[128];
    long long start = now_ms();
    for (int i = 0; i < argc;) {
        const char *s = argv[i];
        int rc = 0;
#define ARGS(n)                                                                                    \
    if (i + (n) >= argc) {                                                                         \
        fprintf(stderr, "conf_probe: %s needs %d arguments\n", s, n);                              \
        return 2;                                                                                  \
    }
        if (strcmp(s, "lookup") == 0) {
            ARGS(2);
            answer(argv[i + 1], got, sizeof got);
            rc = !one_of(argv[i + 2], got);
            printf("# lookup %s: %s%s\n", argv[i + 1], got, rc ? ", FAILED" : "");
            i += 3;
        } else if (strcmp(s, "until") == 0) {
            ARGS(3);
            long long t0 = now_ms(), end = t0 + atol(argv[i + 1]);
            long n = 0;
            do {
                answer(argv[i + 2], got, sizeof got);
                n++;
            } while (!one_of(argv[i + 3], got) && now_ms() < end);
            rc = !one_of(argv[i + 3], got);
            printf("# until %s: %s after %lld ms, %ld lookups%s\n", argv[i + 2], got, now_ms() - t0,
                   n, rc ? ", FAILED" : "");
            i += 4;
        } else if (strcmp(s, "hold") == 0 || strcmp(s, "jump") == 0 || strcmp(s, "cancel") == 0) {
            ARGS(3);
            long ms = atol(argv[i + 1]);
            hold_name = argv[i + 2];
            hold_want = argv[i + 3];
            atomic_store(&held, 0);
            atomic_store(&wrong, 0);
            if (s[0] == 'h') {
                long long end = now_ms() + ms;
                while (now_ms() < end)
                    hold_once();
                rc = hold_verdict("hold", -1);
            } else {
                rc = s[0] == 'j' ? jump_for(ms) : cancel_for(ms);
            }
            i += 4;
        } else if (strcmp(s, "fork") == 0) {
            ARGS(4);
            rc = fork_for(atol(argv[i + 1]), argv[i + 2], argv[i + 3], argv[i + 4]);
            i += 5;
        } else if (strcmp(s, "nofd") == 0) {
            rc = use_up_fds();
            i += 1;
        } else if (strcmp(s, "freefd") == 0) {
            free_fds();
            i += 1;
        } else if (strcmp(s, "seccomp") == 0) {
            rc = refuse_files();
            i += 1;
        } else if (strcmp(s, "write") == 0) {
            ARGS(2);
            rc = rewrite(argv[i + 1], argv[i + 2]);
            i += 3;
        } else if (strcmp(s, "sleep") == 0) {
            ARGS(1);
            usleep((useconds_t)atol(argv[i + 1]) * 1000);
            i += 2;
        } else if (strcmp(s, "ready") == 0) {
            printf("ready\n");
            i += 1;
        } else {
            fprintf(stderr, "conf_probe: unknown step %s\n", s);
            return 2;
        }
#undef ARGS
        fflush(stdout);
        if (rc != 0) {
            printf("# step %s failed at %lld ms\n", s, now_ms() - start);
            return 1;
        }
    }
    return 0;
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
    if (strcmp(argv[2], "steps") == 0)
        return steps(argc - 3, argv + 3);
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
