/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPEC §6 "Fail closed", "No edit is missed" and "A new process uses the
 * file it finds", unit by unit: the settle and racy-git rules at any clock,
 * and podip_state through sequences of edits, with files in a temporary
 * folder and the time given, not read. The files are this test's user's,
 * and the state asks for that owner, so that it runs the same as root or
 * not (the module asks for root). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "../podip_watch.h"
#include "expect.h"

#define TMIN ((time_t)INT64_MIN)
#define TMAX ((time_t)INT64_MAX)

/* podip_before_by(a, b, n) and podip_settled(mtime, now): any two times,
 * the extremes too (the unit tests also run under UBSan). */
static void test_time_rules(void **state)
{
    (void)state;
    static const struct {
        time_t a, b;
        unsigned n;
        bool before;
    } rows[] = {
        {0, 2, 2, true},           {0, 1, 2, false},      {2, 0, 2, false},
        {5, 5, 0, false},          {TMIN, TMAX, 2, true}, {TMAX, TMIN, 2, false},
        {TMIN, 0, 2, true},        {-1, 1, 2, true},      {TMAX - 1, TMAX, 2, false},
        {TMAX - 2, TMAX, 2, true},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        assert_int_equal(podip_before_by(rows[i].a, rows[i].b, rows[i].n), rows[i].before);

    static const struct {
        time_t mtime, now;
        bool settled;
    } settle[] = {
        {100, 100, false},                    /* written this second */
        {99, 100, false},                     /* within the last 2 s, whatever the timestamp tick */
        {98, 100, true},   {101, 100, false}, /* a second ahead: the clock and the stamp a tick
                                                 apart */
        {102, 100, true}, /* far ahead: stamped under another clock, not a write now */
        {TMAX, 0, true},   {TMIN, 0, true},       {0, TMIN, true},
        {0, TMAX, true},   {1796000000, 0, true}, /* the clock at 0, a file of 2026 */
    };
    for (size_t i = 0; i < sizeof settle / sizeof settle[0]; i++) {
        struct podip_stamp s = {.mtime = {.tv_sec = settle[i].mtime}};
        assert_int_equal(podip_settled(&s, settle[i].now), settle[i].settled);
    }
}

/* --- podip_state over files in a temporary folder ------------------------- */

static char dir[32];
static char conf_path[64], resolv_path[64];
static struct podip_state st;
static struct podip_conf snap;
static time_t real; /* the clock when the test began: files are stamped near it */

static void put(const char *path, const char *text, time_t mtime)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    struct timespec t[2] = {{.tv_sec = mtime}, {.tv_sec = mtime}};
    assert_int_equal(utimensat(AT_FDCWD, path, t, 0), 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_watch.XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(conf_path, sizeof conf_path, "%s/nss-podip.conf", dir);
    snprintf(resolv_path, sizeof resolv_path, "%s/resolv.conf", dir);
    real = time(NULL);
    memset(&st, 0, sizeof st);
    podip_state_init(&st, conf_path, geteuid(), resolv_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(conf_path);
    unlink(resolv_path);
    rmdir(dir);
    return 0;
}

/* One step: look at the files at NOW; CHANGED: whether that changed what
 * they give; the snapshot then answers A for the pod 10-1-2-3 in zone a.test,
 * and OUTSIDE for 1-1-1-1 in cluster.local: an address, NXDOMAIN or PASS. */
static void step(time_t now, bool changed, const char *a, const char *outside)
{
    assert_int_equal(podip_state_check(&st, now, NULL, NULL), changed);
    podip_state_snapshot(&st, &snap);
    assert_string_equal(classify_text(&snap, "10-1-2-3.default.pod.a.test"), a);
    assert_string_equal(classify_text(&snap, "1-1-1-1.default.pod.cluster.local"), outside);
}

static void test_absent_then_edits(void **state)
{
    (void)state;
    time_t t = real + 100;
    step(t, true, "PASS", "1.1.1.1"); /* no file: the defaults */
    step(t + 1, false, "PASS", "1.1.1.1");
    put(conf_path, "zone a.test\n", t + 1); /* written "now" */
    step(t + 1, false, "PASS", "1.1.1.1");  /* settling: the defaults stay */
    step(t + 2, false, "PASS", "1.1.1.1");
    step(t + 3, true, "10.1.2.3", "PASS"); /* 2 s old: in force */
    put(conf_path, "zone a.test\nallow 10.0.0.0/8\n", t + 3);
    step(t + 4, false, "10.1.2.3", "PASS");
    step(t + 5, true, "10.1.2.3", "PASS");
    step(t + 6, false, "10.1.2.3", "PASS"); /* the same file: nothing new */
    unlink(conf_path);
    step(t + 7, true, "PASS", "1.1.1.1"); /* removed: the defaults again */
}

/* SPEC §6, "A new process uses the file it finds": a state with no
 * configuration in force uses a file written this very second; from then
 * on a change waits until it has settled. */
static void test_first_look_uses_fresh_file(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(conf_path, "allow 10.0.0.0/8\n", t); /* written "now" */
    step(t, true, "PASS", "NXDOMAIN");       /* used at once */
    assert_int_equal(st.standing, PODIP_IN_FORCE);
    put(conf_path, "zone a.test\nallow 10.0.0.0/8\n", t + 1); /* the writer goes on */
    step(t + 1, false, "PASS", "NXDOMAIN");                   /* in force: it stays */
    assert_int_equal(st.conf_file.status, PODIP_FILE_SETTLING);
    step(t + 2, false, "PASS", "NXDOMAIN");
    step(t + 3, true, "10.1.2.3", "PASS"); /* 2 s after the last write */
}

/* The racy rule reads a file used at once again: unchanged, it publishes
 * nothing; changed in the same second, the change is seen. */
static void test_fresh_file_read_again(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(conf_path, "zone a.test\n", t);
    step(t, true, "10.1.2.3", "PASS");
    step(t + 1, false, "10.1.2.3", "PASS");
    step(t + 3, false, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.read_at, t + 3); /* read until 2 s after the write */
    step(t + 4, false, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.read_at, t + 3);

    /* a fresh state, and a same-size rewrite within the second it read */
    static struct podip_state fresh;
    memset(&fresh, 0, sizeof fresh);
    podip_state_init(&fresh, conf_path, geteuid(), resolv_path);
    put(conf_path, "zone a.test\n", t + 10);
    assert_true(podip_state_check(&fresh, t + 10, NULL, NULL));
    put(conf_path, "zone b.test\n", t + 10);
    assert_false(podip_state_check(&fresh, t + 11, NULL, NULL)); /* in force now: it settles */
    assert_true(podip_state_check(&fresh, t + 12, NULL, NULL));
    podip_state_snapshot(&fresh, &snap);
    assert_string_equal(classify_text(&snap, "10-1-2-3.default.pod.b.test"), "10.1.2.3");
}

static void test_refused_and_unreadable(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(conf_path, "zone a.test\nallow 10.0.0.0/8\n", t - 10);
    step(t, true, "10.1.2.3", "PASS");
    assert_int_equal(chmod(conf_path, 0664), 0);
    step(t + 1, true, "PASS", "PASS"); /* refused: the module steps aside */
    assert_int_equal(st.standing, PODIP_ASIDE);
    step(t + 2, false, "PASS", "PASS");
    assert_int_equal(chmod(conf_path, 0644), 0);
    step(t + 3, true, "10.1.2.3", "PASS");
    assert_int_equal(chmod(conf_path, 0664), 0);
    step(t + 4, true, "PASS", "PASS");
    /* stepped aside, nothing is in force: a file written now is used at once */
    put(conf_path, "zone a.test\nallow 10.0.0.0/8\n", t + 5);
    step(t + 5, true, "10.1.2.3", "PASS");

    /* a loop of symlinks: there, but cannot be read (ELOOP): kept */
    char moved[80];
    snprintf(moved, sizeof moved, "%s.moved", conf_path);
    assert_int_equal(rename(conf_path, moved), 0);
    assert_int_equal(symlink("nss-podip.conf", conf_path), 0);
    step(t + 6, false, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.status, PODIP_FILE_UNREADABLE);
    assert_int_equal(st.conf_file.err, ELOOP);
    /* a process that has read nothing yet answers no name meanwhile */
    static struct podip_state fresh;
    podip_state_init(&fresh, conf_path, geteuid(), resolv_path);
    assert_false(podip_state_check(&fresh, t + 6, NULL, NULL));
    assert_int_equal(fresh.standing, PODIP_UNREAD);
    unlink(conf_path);
    assert_int_equal(rename(moved, conf_path), 0);
    step(t + 7, false, "10.1.2.3", "PASS"); /* the same file back: nothing new */
}

/* A check cut short (a fork() while another thread checked, a lock holder
 * that died: podip_state_forget) leaves what it may have half copied to be
 * read again, but not the process's standing: with a configuration in
 * force, a file written a moment ago still settles first (SPEC §6), and one
 * that cannot be read now leaves what is in force. */
static void test_forget_keeps_standing(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(conf_path, "zone a.test\nallow 10.0.0.0/8\n", t - 10);
    step(t, true, "10.1.2.3", "PASS");
    put(conf_path, "zone a.test\n", t + 1); /* being rewritten: no allow line yet */
    podip_state_forget(&st);
    assert_false(podip_state_check(&st, t + 1, NULL, NULL)); /* nothing new to publish */
    assert_int_equal(st.standing, PODIP_IN_FORCE);
    assert_int_equal(st.conf_file.status, PODIP_FILE_SETTLING);
    put(conf_path, "zone a.test\nallow 10.0.0.0/8\nttl 7\n", t + 1); /* written whole */
    assert_false(podip_state_check(&st, t + 2, NULL, NULL));
    step(t + 3, true, "10.1.2.3", "PASS"); /* settled: in force */
    assert_int_equal(snap.ttl, 7);

    /* cannot be read now (a loop of symlinks): nothing published, what is
     * in force stays, and the file once back is read and published */
    char moved[80];
    snprintf(moved, sizeof moved, "%s.moved", conf_path);
    assert_int_equal(rename(conf_path, moved), 0);
    assert_int_equal(symlink("nss-podip.conf", conf_path), 0);
    podip_state_forget(&st);
    assert_false(podip_state_check(&st, t + 4, NULL, NULL));
    assert_int_equal(st.standing, PODIP_IN_FORCE);
    unlink(conf_path);
    assert_int_equal(rename(moved, conf_path), 0);
    step(t + 5, true, "10.1.2.3", "PASS");
    assert_int_equal(snap.ttl, 7);
}

/* Every way a file is refused: every name passed on while it stays so. */
static void test_refusals(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(conf_path, "zone a.test\n", t - 10);
    step(t, true, "10.1.2.3", "PASS");
    assert_int_equal(truncate(conf_path, ((off_t)PODIP_FILE_MAX_MIB << 20) + 1), 0);
    step(t + 1, true, "PASS", "PASS");
    assert_int_equal(st.conf_file.status, PODIP_FILE_TOO_BIG);
    unlink(conf_path);
    assert_int_equal(mkdir(conf_path, 0755), 0);
    step(t + 2, false, "PASS", "PASS");
    assert_int_equal(st.conf_file.status, PODIP_FILE_NOT_REGULAR);
    rmdir(conf_path);
    put(conf_path, "zone a.test\n", t - 10);
    step(t + 3, true, "10.1.2.3", "PASS");
    /* a Unix socket, which open() refuses with ENXIO: no regular file either */
    unlink(conf_path);
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof addr.sun_path, "%s", conf_path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
    close(fd);
    assert_int_equal(chmod(conf_path, 0644), 0);
    step(t + 4, true, "PASS", "PASS");
    assert_int_equal(st.conf_file.status, PODIP_FILE_NOT_REGULAR);
    step(t + 5, false, "PASS", "PASS"); /* and stays so, not read again and again */
    unlink(conf_path);
    put(conf_path, "zone a.test\n", t - 10);
    step(t + 6, true, "10.1.2.3", "PASS");
    /* owned by another user than the one the state asks for */
    static struct podip_state other;
    podip_state_init(&other, conf_path, geteuid() + 1, resolv_path);
    assert_true(podip_state_check(&other, t + 3, NULL, NULL));
    assert_int_equal(other.standing, PODIP_ASIDE);
    assert_int_equal(other.conf_file.status, PODIP_FILE_NOT_OWNER);
}

/* git's racy rule: a file read within 2 s of its last change is read again
 * at later checks, until a read comes 2 s after that change; and again
 * after the clock went back. */
static void test_racy(void **state)
{
    (void)state;
    put(conf_path, "zone a.test\n", real - 10);
    struct stat sb;
    assert_int_equal(stat(conf_path, &sb), 0);
    time_t c = sb.st_ctim.tv_sec; /* its last change: the write, just now */
    step(c, true, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.read_at, c);
    step(c + 1, false, "10.1.2.3", "PASS"); /* read again: the same, nothing new */
    assert_int_equal(st.conf_file.read_at, c + 1);
    step(c + 3, false, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.read_at, c + 3); /* 2 s after the change: clean */
    step(c + 4, false, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.read_at, c + 3); /* not read again */
    step(c + 2, false, "10.1.2.3", "PASS");        /* the clock went back */
    assert_int_equal(st.conf_file.read_at, c + 2);
}

static void test_clock_at_zero(void **state)
{
    (void)state;
    put(conf_path, "zone a.test\n", real);
    step(0, true, "10.1.2.3", "PASS"); /* stamped far ahead of the clock: used */
    step(1, false, "10.1.2.3", "PASS");
    assert_int_equal(st.conf_file.read_at, 1); /* and read again at every check */
    put(conf_path, "zone b.test\n", real);
    step(2, true, "PASS", "PASS");
}

static void test_extreme_stamps(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(conf_path, "zone a.test\n", (time_t)9000000000000000000);
    step(t, true, "10.1.2.3", "PASS");
    put(conf_path, "zone a.test\nttl 9\n", -(time_t)9000000000000000000);
    step(t + 1, true, "10.1.2.3", "PASS");
    assert_int_equal(snap.ttl, 9);
}

static void test_resolv(void **state)
{
    (void)state;
    time_t t = real + 100;
    const char *pod = "10-1-2-3.default.pod.r.test";
    put(resolv_path, "search default.svc.r.test svc.r.test\n", t); /* used at once */
    step(t, true, "PASS", "1.1.1.1");
    assert_string_equal(classify_text(&snap, pod), "10.1.2.3");
    /* there but unreadable: the zones read stay */
    char moved[80];
    snprintf(moved, sizeof moved, "%s.moved", resolv_path);
    assert_int_equal(rename(resolv_path, moved), 0);
    assert_int_equal(symlink("resolv.conf", resolv_path), 0);
    step(t + 1, false, "PASS", "1.1.1.1");
    assert_string_equal(classify_text(&snap, pod), "10.1.2.3");
    /* refused: no zone detected, and nss-podip.conf's lines stay */
    unlink(resolv_path);
    assert_int_equal(mkdir(resolv_path, 0755), 0);
    step(t + 2, true, "PASS", "1.1.1.1");
    assert_string_equal(classify_text(&snap, pod), "PASS");
    rmdir(resolv_path);
    assert_int_equal(rename(moved, resolv_path), 0);
    step(t + 3, true, "PASS", "1.1.1.1");
    assert_string_equal(classify_text(&snap, pod), "10.1.2.3");
    /* detect-zones no: resolv.conf is not wanted, its zones go */
    put(conf_path, "detect-zones no\n", t - 10);
    step(t + 4, true, "PASS", "1.1.1.1");
    assert_string_equal(classify_text(&snap, pod), "PASS");
    unlink(conf_path);
    step(t + 5, true, "PASS", "1.1.1.1");
    assert_string_equal(classify_text(&snap, pod), "10.1.2.3");
    /* forgotten (a fork cut a check short): read again, published again */
    podip_state_forget(&st);
    step(t + 6, true, "PASS", "1.1.1.1");
    unlink(resolv_path);
}

/* A zone detected in resolv.conf inside a configured one (here inside the
 * default zone's pod subtree): the longest zone a name is in decides, as
 * CoreDNS picks it, though detected zones come after the configured ones. */
static void test_detected_inside_configured(void **state)
{
    (void)state;
    time_t t = real + 100;
    put(resolv_path, "search default.svc.pod.cluster.local svc.pod.cluster.local\n", t - 10);
    step(t, true, "PASS", "PASS"); /* 1-1-1-1.default.pod.cluster.local: zone pod.cluster.local */
    assert_string_equal(classify_text(&snap, "10-1-2-3.default.pod.pod.cluster.local"), "10.1.2.3");
    assert_string_equal(classify_text(&snap, "10-1-2-3.default.pod.k8s.local"), "PASS");
    assert_string_equal(classify_text(&snap, "10-1-2-3.k8s.pod.cluster.local"), "PASS");
    unlink(resolv_path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_rules),
        cmocka_unit_test_setup_teardown(test_absent_then_edits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_look_uses_fresh_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_file_read_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_and_unreadable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forget_keeps_standing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_racy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clock_at_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_extreme_stamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_resolv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detected_inside_configured, setup, teardown),
    };
    return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
