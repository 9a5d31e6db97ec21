/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hosts line of nsswitch.conf (SPEC §5): where podip is placed (what
 * `nss-podip setup` writes, SPEC §8) and what a line does for podip (what
 * `nss-podip status` warns of). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../podip_nsswitch.h"

/* An image's nsswitch.conf and the file setup writes from it. */
static const struct {
    const char *image;
    const char *written;
} placements[] = {
    /* Debian's and Ubuntu's line */
    {"passwd: files\nhosts:          files dns\nnetworks: files\n",
     "passwd: files\nhosts:          files podip [NOTFOUND=return] dns\nnetworks: files\n"},
    /* the Red Hat family's */
    {"hosts:      files dns myhostname\n",
     "hosts:      files podip [NOTFOUND=return] dns myhostname\n"},
    /* systemd-resolved first: podip before it */
    {"hosts: files myhostname resolve [!UNAVAIL=return] dns\n",
     "hosts: files myhostname podip [NOTFOUND=return] resolve [!UNAVAIL=return] dns\n"},
    {"hosts: files mdns4_minimal [NOTFOUND=return] dns mdns4\n",
     "hosts: files mdns4_minimal [NOTFOUND=return] podip [NOTFOUND=return] dns mdns4\n"},
    /* no resolve, no dns: at the end, before a comment */
    {"hosts: files # local only\n", "hosts: files podip [NOTFOUND=return] # local only\n"},
    {"hosts:\n", "hosts: podip [NOTFOUND=return]\n"},
    {"hosts: files", "hosts: files podip [NOTFOUND=return]"},
    /* `dnsmasq` is no `dns`; a [...] list holding "dns" is no service */
    {"hosts: files [dns=x] dnsmasq dns\n",
     "hosts: files [dns=x] dnsmasq podip [NOTFOUND=return] dns\n"},
    /* an administrator's line that names podip is kept, whatever it says */
    {"hosts: files dns podip\n", "hosts: files dns podip\n"},
    {"hosts: podip [NOTFOUND=return] files dns\n", "hosts: podip [NOTFOUND=return] files dns\n"},
    /* glibc reads the first hosts line only; comments are no lines */
    {"# hosts: dns\nhosts: files dns\nhosts: dns\n",
     "# hosts: dns\nhosts: files podip [NOTFOUND=return] dns\nhosts: dns\n"},
    {" hosts\t: dns\n", " hosts\t: podip [NOTFOUND=return] dns\n"},
    {"hostsfoo: dns\nhosts: dns\n", "hostsfoo: dns\nhosts: podip [NOTFOUND=return] dns\n"},
    /* no hosts line, no file: glibc's default line, podip first */
    {"passwd: files\n",
     "passwd: files\nhosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files\n"},
    {"passwd: files",
     "passwd: files\nhosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files\n"},
    {"", "hosts: podip [NOTFOUND=return] dns [!UNAVAIL=return] files\n"},
};

static void test_placement(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof placements / sizeof placements[0]; i++) {
        const char *image = placements[i].image, *want = placements[i].written;
        char out[512];
        size_t n = podip_hosts_place(image, strlen(image), out, sizeof out);
        assert_in_range(n, 0, sizeof out - 1);
        out[n] = '\0';
        if (strcmp(out, want) != 0)
            fail_msg("%s\nwritten: %s\nwanted:  %s", image, out, want);
        /* setup writes what it judges sound, and writing it again changes nothing */
        size_t at, len;
        podip_hosts_find(out, n, &at, &len);
        struct podip_hosts_verdict v = podip_hosts_judge(out + at, len);
        bool kept = strcmp(image, want) == 0;
        if (!kept)
            assert_true(podip_hosts_sound(&v));
        char again[512];
        assert_int_equal(podip_hosts_place(out, n, again, sizeof again), n);
        assert_memory_equal(again, out, n);
    }
}

static void test_short_output(void **state)
{
    (void)state;
    const char *image = "hosts: files dns\n";
    const char *want = "hosts: files podip [NOTFOUND=return] dns\n";
    char out[64];
    memset(out, '#', sizeof out);
    /* the length it needs, and never a byte past SIZE */
    assert_int_equal(podip_hosts_place(image, strlen(image), out, 10), strlen(want));
    assert_memory_equal(out, want, 10);
    assert_int_equal(out[10], '#');
}

/* A hosts line's services and what they do for podip. */
static const struct {
    const char *services;
    bool named;
    const char *ahead;
    bool ahead_returns, notfound_goes_on, unavail_returns, sound;
} verdicts[] = {
    {"files podip [NOTFOUND=return] dns", true, NULL, false, false, false, true},
    {"files podip [!UNAVAIL=return] dns", true, NULL, false, false, false, true},
    {"files podip [ NOTFOUND = return ] dns", true, NULL, false, false, false, true},
    {"files podip [notfound=RETURN] dns", true, NULL, false, false, false, true},
    {"files podip dns", true, NULL, false, true, false, false},
    {"files podip [NOTFOUND=return UNAVAIL=return] dns", true, NULL, false, false, true, false},
    {"files podip [UNAVAIL=return] dns", true, NULL, false, true, true, false},
    {"files podip[NOTFOUND=return]", true, NULL, false, false, false, true},
    {"files dns podip [NOTFOUND=return]", true, "dns", false, false, false, false},
    {"resolve [!UNAVAIL=return] podip [NOTFOUND=return] dns", true, "resolve", true, false, false,
     false},
    {"dns [NOTFOUND=return] podip [NOTFOUND=return]", true, "dns", true, false, false, false},
    {"files dns", false, NULL, false, false, false, false},
    {"", false, NULL, false, false, false, false},
    /* podip the 32nd service: the actions of the 34th are not podip's */
    {"s1 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 s12 s13 s14 s15 s16 s17 s18 s19 s20 s21 s22 s23 s24 s25 "
     "s26 s27 s28 s29 s30 s31 "
     "podip [NOTFOUND=return] x y [UNAVAIL=return] dns",
     true, NULL, false, false, false, true},
};

static void test_verdicts(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        const char *s = verdicts[i].services;
        struct podip_hosts_verdict v = podip_hosts_judge(s, strlen(s));
        if (v.named != verdicts[i].named || (v.ahead == NULL) != (verdicts[i].ahead == NULL) ||
            (v.ahead != NULL && strcmp(v.ahead, verdicts[i].ahead) != 0) ||
            v.ahead_returns != verdicts[i].ahead_returns ||
            v.notfound_goes_on != verdicts[i].notfound_goes_on ||
            v.unavail_returns != verdicts[i].unavail_returns ||
            podip_hosts_sound(&v) != verdicts[i].sound)
            fail_msg("hosts: %s: named %d ahead %s returns %d notfound-on %d unavail-returns %d", s,
                     v.named, v.ahead ? v.ahead : "-", v.ahead_returns, v.notfound_goes_on,
                     v.unavail_returns);
    }
}

static void test_find(void **state)
{
    (void)state;
    const char *text = "# hosts: x\nhosts: a b  # c\n  hosts :d\n";
    size_t at, n;
    assert_int_equal(podip_hosts_find(text, strlen(text), &at, &n), 2);
    assert_int_equal(n, 3);
    assert_memory_equal(text + at, "a b", 3);
    assert_int_equal(podip_hosts_find("passwd: files\n", 14, &at, &n), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_placement),
        cmocka_unit_test(test_short_output),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
