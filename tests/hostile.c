/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hostile names through the real glibc, with the module as the only hosts
 * source (__nss_configure_lookup): each must get its SPEC answer, as
 * tests/reference.h computes it, from gethostbyname2 (both families) and
 * getaddrinfo. tests/hostile.sh runs each group under a time limit.
 *
 *   hostile GROUP    GROUP: mib dots bytes utf8 labels label64 */
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>

#include "contract.h"
#include "repeat.h"

#define POD ".default.pod.cluster.local"

extern int __nss_configure_lookup(const char *db, const char *service_line);

static unsigned failures, checked;

static void printable(const char *name, char *out, size_t size)
{
    size_t n = strlen(name), j = 0;
    for (size_t i = 0; i < n && j + 8 < size; i++) {
        unsigned char c = (unsigned char)name[i];
        j += (size_t)snprintf(out + j, size - j, c > 32 && c < 127 ? "%c" : "\\x%02x", c);
    }
    if (n > 60)
        snprintf(out + (j < 60 ? j : 60), size - 60, "... (%zu bytes)", n);
}

static void failed(const char *name, const char *what)
{
    char shown[256];
    printable(name, shown, sizeof shown);
    printf("wrong: \"%s\": %s\n", shown, what);
    failures++;
}

/* Names glibc's gethostbyname2 answers itself, without asking any module
 * (nss/digits_dots.c): digits and dots only, and, for IPv4, anything that
 * starts like an IPv6 address and holds a ':'. Observed on glibc 2.36. */
static bool glibc_own(const char *name, int family)
{
    size_t n = strspn(name, "0123456789.");
    if (name[0] != '\0' && name[n] == '\0' && name[n - 1] != '.')
        return true;
    return family == AF_INET &&
           ((isxdigit((unsigned char)name[0]) && strchr(name, ':') != NULL) || name[0] == ':');
}

static void check_name(const char *name)
{
    struct ref_answer ref;
    ref_classify(&ref_defaults, name, &ref);
    size_t n = strlen(name), bare = n > 0 && name[n - 1] == '.' ? n - 1 : n;
    checked++;

    static const int families[] = {AF_INET, AF_INET6};
    for (int i = 0; i < 2; i++) {
        int fam = families[i];
        struct hostent *h = gethostbyname2(name, fam);
        if (glibc_own(name, fam))
            continue; /* asked, so a crash would show, but not the module's answer */
        enum ref_kind kind = ref_kind_for(&ref, fam);
        bool want = kind == REF_ADDRESS;
        if (want && h == NULL)
            failed(name, "gethostbyname2: no answer");
        else if (want && (h->h_addrtype != fam ||
                          memcmp(h->h_addr_list[0], ref.addr, fam == AF_INET ? 4 : 16) != 0 ||
                          strlen(h->h_name) != bare || memcmp(h->h_name, name, bare) != 0))
            failed(name, "gethostbyname2: wrong answer");
        else if (!want && h != NULL)
            failed(name, "gethostbyname2: an answer where SPEC has none");
        else if (!want && h_errno != spec_triple(kind).herr)
            failed(name, "gethostbyname2: wrong h_errno");
    }

    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
    int e = getaddrinfo(name, NULL, &hints, &res);
    if (ref.kind == REF_ADDRESS) {
        if (e != 0) {
            failed(name, "getaddrinfo: no answer");
            return;
        }
        const void *a = res->ai_family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)res->ai_addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
        if (res->ai_family != ref.family ||
            memcmp(a, ref.addr, ref.family == AF_INET ? 4 : 16) != 0 || res->ai_next != NULL)
            failed(name, "getaddrinfo: wrong answer");
        freeaddrinfo(res);
    } else if (e != (ref.kind == REF_NODATA ? EAI_NODATA : EAI_NONAME)) {
        failed(name, "getaddrinfo: wrong error");
        if (e == 0)
            freeaddrinfo(res);
    }
}

static void check_owned(char *name)
{
    check_name(name);
    free(name);
}

static void group_mib(void)
{
    const size_t mib = 1 << 20;
    check_owned(repeat("a", mib, ""));
    check_owned(repeat("a", mib - strlen("10-0-0-1" POD), "10-0-0-1" POD));
    check_owned(repeat("a", mib - strlen(POD), POD));
    check_owned(repeat("-", mib - strlen(POD), POD));
    check_owned(repeat("a.", mib / 2 - 12, "10-0-0-1.default.pod"));
    check_owned(repeat("1-", mib / 2, "1" POD "."));
}

static void group_dots(void)
{
    static const size_t counts[] = {1, 2, 3, 4, 63, 64, 253, 254, 255, 1000, 65536};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        check_owned(repeat(".", counts[i], ""));
        check_owned(repeat(".", counts[i], "pod.cluster.local"));
        check_owned(repeat(".", counts[i], POD));
    }
}

/* Every byte value 1-255 at each place of a pod name. */
static void group_bytes(void)
{
    static const char *const forms[] = {
        "10-0-0-1.def%sault.pod.cluster.local",
        "10-0-%s0-1.default.pod.cluster.local",
        "%s.10-0-0-1.default.pod.cluster.local",
        "10-0-0-1.default.p%sod.cluster.local",
        "10-0-0-1.default.pod.cluster.loca%s",
        "fd00-%s-1.default.pod",
        "10-0-0-1.default.pod%s",
        "%s" POD,
        "x%s.example.com",
    };
    for (int b = 1; b < 256; b++) {
        char byte[2] = {(char)b, '\0'}, name[128];
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            snprintf(name, sizeof name, forms[f], byte);
            check_name(name);
        }
    }
}

static void group_utf8(void)
{
    static const char *const bad[] = {
        "\xc3\x28", "\xa0\xa1",         "\xe2\x28\xa1",
        "\xe2\x82", "\xf0\x28\x8c\xbc", "\xf8\xa1\xa1\xa1\xa1",
        "\xc0\xaf", "\xed\xa0\x80",     "\xef\xbf\xbe",
        "\xff",     "\xfe\xff",         "\xc3\xa9", /* é, valid */
    };
    static const char *const forms[] = {
        "10-0-0-1.%s.pod.cluster.local",
        "10-0-0-1%s.default.pod.cluster.local",
        "%s.10-0-0-1.default.pod.cluster.local",
        "10-0-0-1.default.pod.%s",
        "%s.default.pod",
        "%s",
        "k8s.%s.example",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            char name[128];
            snprintf(name, sizeof name, forms[f], bad[i]);
            check_name(name);
        }
}

static void group_labels(void)
{
    check_owned(repeat("a.", 9999, "a"));
    check_owned(repeat("a.", 9999, "a."));
    check_owned(repeat("a.", 9996, "10-0-0-1" POD));
    check_owned(repeat("a.", 9997, "10-0-0-1.default.pod"));
    check_owned(repeat("1.", 9999, "1"));
    check_owned(repeat("-.", 9996, "--" POD));
}

static void group_label64(void)
{
    static const char *const forms[] = {
        "%s.default.pod.cluster.local",
        "10-0-0-1.%s.pod.cluster.local",
        "%s.10-0-0-1.default.pod.cluster.local",
        "%s.x.10-0-0-1.default.pod.cluster.local",
        "%s.10-0-0-1.default.pod",
        "10-0-0-1.default.pod.%s",
        "%s.example.com",
        "%s",
    };
    static const char *const labels[] = {LONG63, LONG63 "d", LONG63 "de", "1-2-3-4" LONG63,
                                         "0000-0000-0000-0000-0000-0000-0000-0000-000000000000"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
            char name[256];
            snprintf(name, sizeof name, forms[f], labels[i]);
            check_name(name);
        }
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"mib", group_mib},   {"dots", group_dots},     {"bytes", group_bytes},
                  {"utf8", group_utf8}, {"labels", group_labels}, {"label64", group_label64}};
    if (argc != 2) {
        fprintf(stderr, "usage: hostile GROUP\n");
        return 2;
    }
    if (__nss_configure_lookup("hosts", "podip") != 0) {
        fprintf(stderr, "hostile: __nss_configure_lookup failed\n");
        return 2;
    }
    /* a hostile name that "fails" proves nothing if the module is not loaded */
    if (gethostbyname2("10-0-0-1.default.pod.cluster.local", AF_INET) == NULL) {
        printf("hostile: the module does not answer: is LD_LIBRARY_PATH set?\n");
        return 1;
    }
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (strcmp(argv[1], groups[i].name) != 0)
            continue;
        groups[i].run();
        printf("# %s: %u names, each through gethostbyname2 (IPv4, IPv6) and getaddrinfo, %u "
               "wrong\n",
               argv[1], checked, failures);
        return failures == 0 ? 0 : 1;
    }
    fprintf(stderr, "hostile: unknown group %s\n", argv[1]);
    return 2;
}
