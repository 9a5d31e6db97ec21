/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The entry points against SPEC §3-§4: every row of tests/cases.h through
 * every entry point, then the caller's buffer at every size and alignment.
 * tests/contract.h makes each call and judges what came back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "cases.h"
#include "contract.h"
#include "expect.h"

/* The any-family answer of ROW, as tests/reference.h words it. SPEC §3:
 * an address answers its own family and is NODATA for the other; a name
 * with no address answers both alike. */
static struct ref_answer row_answer(const struct name_case *row)
{
    struct ref_answer ref = {.kind = REF_ADDRESS};
    const char *any = expected_any(row->a, row->aaaa);
    if (expected_address(any, &ref.family, ref.addr)) {
        assert_string_equal(ref.family == AF_INET ? row->aaaa : row->a, "NODATA");
        return ref;
    }
    assert_string_equal(row->a, row->aaaa);
    ref.kind = strcmp(any, "NODATA") == 0     ? REF_NODATA
               : strcmp(any, "NXDOMAIN") == 0 ? REF_NXDOMAIN
                                              : REF_PASS;
    return ref;
}

/* One call into BUF[0, LEN), with ttlp and canonp where the entry point
 * takes them if EXTRAS, judged; its status. */
static enum nss_status call(enum entry e, int family, bool extras, const char *name,
                            const struct ref_answer *ref, char *buf, size_t len)
{
    struct lookup l = {.entry = e, .family = family, .extras = extras, .buf = buf, .buflen = len};
    lookup_run(&l, name);
    const char *wrong = lookup_judge(&l, name, ref, ref_defaults.ttl);
    if (wrong != NULL)
        fail_msg("%s: entry %d, family %d, buflen %zu: %s", name, e, family, len, wrong);
    return l.status;
}

/* Every entry point, 2_r and 3_r for each family (AF_UNSPEC in 2_r means
 * AF_INET, SPEC §4), 3_r and 4_r with and without ttlp and canonp. */
static const struct {
    enum entry entry;
    int family;
    bool extras;
} calls[] = {
    {E_R, AF_INET, false},    {E_2R, AF_INET, false},       {E_2R, AF_INET6, false},
    {E_2R, AF_UNSPEC, false}, {E_3R, AF_INET, false},       {E_3R, AF_INET, true},
    {E_3R, AF_INET6, false},  {E_3R, AF_INET6, true},       {E_4R, AF_UNSPEC, false},
    {E_4R, AF_UNSPEC, true},  {E_4R_OWN, AF_UNSPEC, false}, {E_4R_OWN, AF_UNSPEC, true},
};

static void test_spec_table(void **state)
{
    (void)state;
    char buf[1024];
    for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
        struct ref_answer ref = row_answer(&name_cases[i]);
        for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++)
            call(calls[c].entry, calls[c].family, calls[c].extras, name_cases[i].name, &ref, buf,
                 sizeof buf);
    }
}

static void test_bad_family(void **state)
{
    (void)state;
    static const int families[] = {AF_UNIX, AF_PACKET, -1, 99999};
    static const char *const names[] = {"10-0-0-1.default.pod.cluster.local", "example.com"};
    char buf[512];
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
            struct ref_answer ref;
            ref_classify(&ref_defaults, names[n], &ref);
            call(E_2R, families[i], false, names[n], &ref, buf, sizeof buf);
            call(E_3R, families[i], true, names[n], &ref, buf, sizeof buf);
        }
}

/* ---- buffer discipline (SPEC §4) ---- */

enum { POISON = 0xa5, SLACK = 64, MAXLEN = 512 };

/* Try one entry point at every length from 0 to its first success, at every
 * misalignment 0-15: each call judged (a short buffer says TRYAGAIN, ERANGE,
 * NETDB_INTERNAL; an answer lies in the buffer, aligned), and nothing is
 * written past buflen. Returns the largest first length that worked. */
static size_t sweep(enum entry e, const char *name, int family)
{
    static unsigned char arena[16 + MAXLEN + SLACK] __attribute__((aligned(16)));
    struct ref_answer ref;
    ref_classify(&ref_defaults, name, &ref);
    size_t first = 0;
    for (size_t mis = 0; mis < 16; mis++) {
        size_t len;
        for (len = 0; len <= MAXLEN; len++) {
            memset(arena, POISON, sizeof arena);
            char *buf = (char *)arena + mis;
            enum nss_status s = call(e, family, true, name, &ref, buf, len);
            for (size_t i = 0; i < SLACK; i++)
                if ((unsigned char)buf[len + i] != POISON)
                    fail_msg("%s wrote past buflen %zu (misalignment %zu)", name, len, mis);
            if (s == NSS_STATUS_SUCCESS)
                break;
        }
        assert_true(len <= MAXLEN);
        if (len > first)
            first = len;
    }
    return first;
}

static const struct {
    const char *name;
    int family;
} sweep_names[] = {
    {"10-42-2-46.default.pod.cluster.local", AF_INET},
    {"fd00-10-244--5.default.pod.cluster.local.", AF_INET6},
    {"--ffff-a00-1.default.pod.cluster.local", AF_INET},
    {"10-42-2-46.default.pod", AF_INET},
    {"0-0-0-0.a.pod.cluster.local", AF_INET},
};

static void test_buffers(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof sweep_names / sizeof sweep_names[0]; i++) {
        const char *name = sweep_names[i].name;
        int family = sweep_names[i].family;
        size_t n2 = sweep(E_2R, name, family);
        size_t n3 = sweep(E_3R, name, family);
        size_t n4 = sweep(E_4R, name, family);
        size_t n4own = sweep(E_4R_OWN, name, family);
        /* the buffer needed is small: name, address, three pointers, padding */
        assert_true(n2 > strlen(name) / 2 && n2 <= strlen(name) + 1 + 16 + 3 * 8 + 7);
        assert_int_equal(n2, n3);
        assert_true(n4own < n4);
    }
}

/* A short buffer is no reason to answer a name that is not an address. */
static void test_no_buffer_needed(void **state)
{
    (void)state;
    static const char *const names[] = {"example.com", "default.pod.cluster.local"};
    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++) {
        struct ref_answer ref;
        ref_classify(&ref_defaults, names[n], &ref);
        for (size_t c = 0; c < sizeof calls / sizeof calls[0]; c++)
            call(calls[c].entry, calls[c].family, calls[c].extras, names[n], &ref, NULL, 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_table),
        cmocka_unit_test(test_bad_family),
        cmocka_unit_test(test_buffers),
        cmocka_unit_test(test_no_buffer_needed),
    };
    return cmocka_run_group_tests_name("entry points", tests, NULL, NULL);
}
