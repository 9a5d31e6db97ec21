/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The entry points against SPEC §3-§4: every row of tests/cases.h through
 * every entry point, then the caller's buffer at every size and alignment. */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "cases.h"
#include "expect.h"

NSS_DECLARE_MODULE_FUNCTIONS(podip)

#define ERRNO_SENTINEL 12345

struct triple {
    enum nss_status status;
    int err;
    int herr;
};

/* SPEC §4's table, written out again here on purpose. */
static struct triple expected_triple(const char *column)
{
    if (strcmp(column, "NODATA") == 0)
        return (struct triple){NSS_STATUS_NOTFOUND, ENOENT, NO_DATA};
    if (strcmp(column, "NXDOMAIN") == 0)
        return (struct triple){NSS_STATUS_NOTFOUND, ENOENT, HOST_NOT_FOUND};
    if (strcmp(column, "PASS") == 0)
        return (struct triple){NSS_STATUS_UNAVAIL, ENOENT, NO_RECOVERY};
    return (struct triple){NSS_STATUS_SUCCESS, ERRNO_SENTINEL, NETDB_SUCCESS};
}

static const char *stripped(const char *name, char *buf, size_t size)
{
    size_t len = strlen(name);
    if (len > 0 && name[len - 1] == '.')
        len--;
    assert_true(len < size);
    memcpy(buf, name, len);
    buf[len] = '\0';
    return buf;
}

static void check_triple(const char *what, const char *name, struct triple want,
                         enum nss_status status, int err, int herr)
{
    if (status != want.status || err != want.err || herr != want.herr)
        fail_msg("%s(%s): got status %d errno %d h_errno %d, want %d %d %d", what, name, status,
                 err, herr, want.status, want.err, want.herr);
}

static void check_hostent(const char *name, const char *column, const struct hostent *h)
{
    int family;
    uint8_t addr[16];
    char bare[300];
    assert_true(expected_address(column, &family, addr));
    assert_int_equal(h->h_addrtype, family);
    assert_int_equal(h->h_length, family == AF_INET ? 4 : 16);
    assert_non_null(h->h_addr_list[0]);
    assert_memory_equal(h->h_addr_list[0], addr, (size_t)h->h_length);
    assert_null(h->h_addr_list[1]);
    assert_null(h->h_aliases[0]);
    assert_string_equal(h->h_name, stripped(name, bare, sizeof bare));
}

/* gethostbyname2_r and gethostbyname3_r for FAMILY, _r for AF_INET. */
static void check_by_family(const char *name, int family, const char *column)
{
    struct triple want = expected_triple(column);
    char buf[1024];
    struct hostent h;
    int err = ERRNO_SENTINEL, herr = -1;
    enum nss_status s = _nss_podip_gethostbyname2_r(name, family, &h, buf, sizeof buf, &err, &herr);
    check_triple(family == AF_INET ? "2_r(AF_INET)" : "2_r(AF_INET6)", name, want, s, err, herr);
    if (s == NSS_STATUS_SUCCESS)
        check_hostent(name, column, &h);

    int32_t ttl = -1;
    char *canon = NULL;
    err = ERRNO_SENTINEL;
    herr = -1;
    s = _nss_podip_gethostbyname3_r(name, family, &h, buf, sizeof buf, &err, &herr, &ttl, &canon);
    check_triple("3_r", name, want, s, err, herr);
    if (s == NSS_STATUS_SUCCESS) {
        check_hostent(name, column, &h);
        assert_int_equal(ttl, 5);
        assert_ptr_equal(canon, h.h_name);
    }

    if (family == AF_INET) {
        err = ERRNO_SENTINEL;
        herr = -1;
        s = _nss_podip_gethostbyname_r(name, &h, buf, sizeof buf, &err, &herr);
        check_triple("_r", name, want, s, err, herr);
        if (s == NSS_STATUS_SUCCESS)
            check_hostent(name, column, &h);
        /* AF_UNSPEC in 2_r means AF_INET (SPEC §4) */
        err = ERRNO_SENTINEL;
        s = _nss_podip_gethostbyname2_r(name, AF_UNSPEC, &h, buf, sizeof buf, &err, &herr);
        check_triple("2_r(AF_UNSPEC)", name, want, s, err, herr);
    }
}

static void check_any(const char *name, const char *column)
{
    struct triple want = expected_triple(column);
    char buf[1024];
    struct gaih_addrtuple *pat = NULL;
    int err = ERRNO_SENTINEL, herr = -1;
    int32_t ttl = -1;
    enum nss_status s = _nss_podip_gethostbyname4_r(name, &pat, buf, sizeof buf, &err, &herr, &ttl);
    check_triple("4_r", name, want, s, err, herr);
    if (s != NSS_STATUS_SUCCESS)
        return;
    int family;
    uint8_t addr[16];
    char bare[300];
    assert_true(expected_address(column, &family, addr));
    assert_non_null(pat);
    assert_null(pat->next);
    assert_int_equal(pat->family, family);
    assert_memory_equal(pat->addr, addr, 16);
    assert_int_equal(pat->scopeid, 0);
    assert_string_equal(pat->name, stripped(name, bare, sizeof bare));
    assert_int_equal(ttl, 5);
}

static void test_spec_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++) {
        const struct name_case *c = &name_cases[i];
        check_by_family(c->name, AF_INET, c->a);
        check_by_family(c->name, AF_INET6, c->aaaa);
        check_any(c->name, expected_any(c->a, c->aaaa));
    }
}

static void test_bad_family(void **state)
{
    (void)state;
    static const int families[] = {AF_UNIX, AF_PACKET, -1, 99999};
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        char buf[512];
        struct hostent h;
        int err = 0, herr = 0;
        enum nss_status s = _nss_podip_gethostbyname2_r(
            "10-0-0-1.default.pod.cluster.local", families[i], &h, buf, sizeof buf, &err, &herr);
        check_triple("2_r(bad family)", "10-0-0-1",
                     (struct triple){NSS_STATUS_UNAVAIL, EAFNOSUPPORT, NO_DATA}, s, err, herr);
        err = herr = 0;
        s = _nss_podip_gethostbyname3_r("example.com", families[i], &h, buf, sizeof buf, &err,
                                        &herr, NULL, NULL);
        check_triple("3_r(bad family)", "example.com",
                     (struct triple){NSS_STATUS_UNAVAIL, EAFNOSUPPORT, NO_DATA}, s, err, herr);
    }
}

/* ---- buffer discipline (SPEC §4) ---- */

enum { POISON = 0xa5, SLACK = 64, MAXLEN = 512 };

static void check_aligned(const void *p, size_t align)
{
    if ((uintptr_t)p % align != 0)
        fail_msg("pointer %p not aligned to %zu", p, align);
}

static void check_in(const void *p, const char *buf, size_t len)
{
    assert_true((const char *)p >= buf && (const char *)p < buf + len);
}

static void check_poison(const unsigned char *after, const char *what, size_t len, size_t mis)
{
    for (size_t i = 0; i < SLACK; i++)
        if (after[i] != POISON)
            fail_msg("%s wrote past buflen %zu (misalignment %zu)", what, len, mis);
}

/* The four ways a caller asks: 2_r, 3_r, 4_r with a tuple list in the buffer,
 * 4_r with the first tuple its own (nscd). */
enum entry { VIA_2, VIA_3, VIA_4, VIA_4_OWN_TUPLE };

/* One call into buf[0, len); on success, the answer lies inside the buffer,
 * aligned, or in the caller's own tuple. */
static enum nss_status call_into(enum entry e, const char *name, int family, char *buf, size_t len,
                                 int *err, int *herr)
{
    enum nss_status s;
    if (e == VIA_4 || e == VIA_4_OWN_TUPLE) {
        struct gaih_addrtuple mine = {.family = -1};
        struct gaih_addrtuple *pat = e == VIA_4_OWN_TUPLE ? &mine : NULL;
        s = _nss_podip_gethostbyname4_r(name, &pat, buf, len, err, herr, NULL);
        if (s != NSS_STATUS_SUCCESS)
            return s;
        if (e == VIA_4_OWN_TUPLE) {
            assert_ptr_equal(pat, &mine);
            assert_int_not_equal(mine.family, -1);
        } else {
            check_aligned(pat, alignof(struct gaih_addrtuple));
            check_in(pat, buf, len);
        }
        check_in(pat->name, buf, len);
        return s;
    }
    struct hostent h;
    int32_t ttl = 0;
    char *canon = NULL;
    s = e == VIA_3
            ? _nss_podip_gethostbyname3_r(name, family, &h, buf, len, err, herr, &ttl, &canon)
            : _nss_podip_gethostbyname2_r(name, family, &h, buf, len, err, herr);
    if (s != NSS_STATUS_SUCCESS)
        return s;
    assert_int_equal(*herr, NETDB_SUCCESS);
    check_aligned(h.h_aliases, alignof(char *));
    check_aligned(h.h_addr_list, alignof(char *));
    check_aligned(h.h_addr_list[0], alignof(uint32_t));
    check_in(h.h_aliases, buf, len);
    check_in(h.h_addr_list, buf, len);
    check_in(h.h_addr_list[0], buf, len);
    check_in(h.h_name, buf, len);
    if (e == VIA_3)
        assert_ptr_equal(canon, h.h_name);
    return s;
}

/* Try one entry point at every length from 0 to its first success, at every
 * misalignment 0-15: short buffers say TRYAGAIN/ERANGE/NETDB_INTERNAL and
 * nothing is written past buflen. Returns the largest first length that
 * worked. */
static size_t sweep(enum entry e, const char *name, int family)
{
    static unsigned char arena[16 + MAXLEN + SLACK] __attribute__((aligned(16)));
    size_t first = 0;
    for (size_t mis = 0; mis < 16; mis++) {
        size_t len;
        for (len = 0; len <= MAXLEN; len++) {
            memset(arena, POISON, sizeof arena);
            char *buf = (char *)arena + mis;
            int err = ERRNO_SENTINEL, herr = -1;
            errno = ERRNO_SENTINEL;
            enum nss_status s = call_into(e, name, family, buf, len, &err, &herr);
            check_poison((unsigned char *)buf + len, name, len, mis);
            assert_int_equal(errno, ERRNO_SENTINEL);
            if (s == NSS_STATUS_SUCCESS) {
                assert_int_equal(err, ERRNO_SENTINEL);
                break;
            }
            check_triple("short buffer", name,
                         (struct triple){NSS_STATUS_TRYAGAIN, ERANGE, NETDB_INTERNAL}, s, err,
                         herr);
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
        size_t n2 = sweep(VIA_2, name, family);
        size_t n3 = sweep(VIA_3, name, family);
        size_t n4 = sweep(VIA_4, name, family);
        size_t n4own = sweep(VIA_4_OWN_TUPLE, name, family);
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
    struct hostent h;
    int err = 0, herr = 0;
    enum nss_status s =
        _nss_podip_gethostbyname2_r("example.com", AF_INET, &h, NULL, 0, &err, &herr);
    assert_int_equal(s, NSS_STATUS_UNAVAIL);
    s = _nss_podip_gethostbyname2_r("default.pod.cluster.local", AF_INET, &h, NULL, 0, &err, &herr);
    assert_int_equal(s, NSS_STATUS_NOTFOUND);
    assert_int_equal(herr, NO_DATA);
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
