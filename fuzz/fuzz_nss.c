/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the four entry points with a fuzzed name, family, buffer
 * length (0-65535) and misalignment, each result checked against SPEC §3-§4
 * and fuzz/reference.h. The buffer is malloc'd to its exact end, so
 * AddressSanitizer stops any write past buflen; bytes before it are poisoned
 * and checked by hand.
 * Input: [entry] [family] [buflen lo] [buflen hi] [misalignment] name... */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>

#include "reference.h"

NSS_DECLARE_MODULE_FUNCTIONS(podip)

#define SENTINEL 12345
#define POISON 0xa5

static const char *input_name;

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_nss: name \"%s\": %s\n", input_name, what);
    abort();
}

static void check(bool ok, const char *what)
{
    if (!ok)
        fail(what);
}

/* [p, p+size) lies inside [buf, buf+len), at an address aligned to ALIGN. */
static void check_in(const void *p, size_t size, size_t align, const char *buf, size_t len,
                     const char *what)
{
    const char *c = p;
    check(c >= buf && c + size <= buf + len, what);
    check((uintptr_t)c % align == 0, what);
}

enum entry { E_R, E_2R, E_3R, E_4R, E_4R_OWN, E_COUNT };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    enum entry entry = (enum entry)(data[0] % E_COUNT);
    bool with_extras = data[0] & 0x80; /* ttlp and canonp, or NULL */
    int family = data[1] % 4 == 0   ? AF_INET
                 : data[1] % 4 == 1 ? AF_INET6
                 : data[1] % 4 == 2 ? AF_UNSPEC
                                    : data[1] >> 2;
    size_t buflen = (size_t)data[2] | (size_t)data[3] << 8;
    size_t mis = data[4] % 16;
    size_t n = strnlen((const char *)data + 5, size - 5);
    char *name = malloc(n + 1);
    memcpy(name, data + 5, n);
    name[n] = '\0';
    input_name = name;
    size_t bare = n > 0 && name[n - 1] == '.' ? n - 1 : n;

    struct ref_answer ref;
    ref_classify(&ref_defaults, name, &ref);

    /* SPEC §4: what this lookup must say, short buffers aside */
    int want_family = entry == E_R ? AF_INET : family == AF_UNSPEC ? AF_INET : family;
    if (entry >= E_4R)
        want_family = AF_UNSPEC;
    enum nss_status want_status;
    int want_err, want_herr;
    bool answer = false;
    if (want_family != AF_INET && want_family != AF_INET6 && want_family != AF_UNSPEC) {
        want_status = NSS_STATUS_UNAVAIL, want_err = EAFNOSUPPORT, want_herr = NO_DATA;
    } else if (ref.kind == REF_ADDRESS && (want_family == AF_UNSPEC || want_family == ref.family)) {
        want_status = NSS_STATUS_SUCCESS, want_err = SENTINEL, want_herr = NETDB_SUCCESS;
        answer = true;
    } else if (ref.kind == REF_ADDRESS || ref.kind == REF_NODATA) {
        want_status = NSS_STATUS_NOTFOUND, want_err = ENOENT, want_herr = NO_DATA;
    } else if (ref.kind == REF_NXDOMAIN) {
        want_status = NSS_STATUS_NOTFOUND, want_err = ENOENT, want_herr = HOST_NOT_FOUND;
    } else {
        want_status = NSS_STATUS_UNAVAIL, want_err = ENOENT, want_herr = NO_RECOVERY;
    }

    char *block = malloc(mis + buflen);
    char *buf = block + mis;
    memset(block, POISON, mis + buflen);
    struct hostent h;
    struct gaih_addrtuple own = {.family = -1}, *pat = entry == E_4R_OWN ? &own : NULL;
    int err = SENTINEL, herr = -1;
    int32_t ttl = -1, *ttlp = with_extras ? &ttl : NULL;
    char *canon = NULL, **canonp = with_extras ? &canon : NULL;
    enum nss_status s;
    errno = SENTINEL;
    switch (entry) {
    case E_R:
        s = _nss_podip_gethostbyname_r(name, &h, buf, buflen, &err, &herr);
        break;
    case E_2R:
        s = _nss_podip_gethostbyname2_r(name, family, &h, buf, buflen, &err, &herr);
        break;
    case E_3R:
        s = _nss_podip_gethostbyname3_r(name, family, &h, buf, buflen, &err, &herr, ttlp, canonp);
        break;
    default:
        s = _nss_podip_gethostbyname4_r(name, &pat, buf, buflen, &err, &herr, ttlp);
        break;
    }
    check(errno == SENTINEL, "errno changed");
    for (size_t i = 0; i < mis; i++)
        check((unsigned char)block[i] == POISON, "wrote before the buffer");

    /* Room for the name, the address, three pointers or a tuple, and
     * alignment padding: with this much, a short buffer is a lie. */
    size_t ample = bare + 1 + 64 + sizeof(struct gaih_addrtuple);
    if (answer && s == NSS_STATUS_TRYAGAIN) {
        check(err == ERANGE && herr == NETDB_INTERNAL, "short buffer: wrong errno/h_errno");
        check(buflen < ample, "short buffer claimed with an ample buffer");
        goto out;
    }
    if (s != want_status || err != want_err || herr != want_herr) {
        char what[200];
        snprintf(what, sizeof what, "status/errno/h_errno %d/%d/%d, want %d/%d/%d", s, err, herr,
                 want_status, want_err, want_herr);
        fail(what);
    }
    if (!answer) {
        check(pat == (entry == E_4R_OWN ? &own : NULL), "*pat set without an answer");
        goto out;
    }

    size_t alen = ref.family == AF_INET ? 4 : 16;
    const char *got_name;
    if (entry < E_4R) {
        check(h.h_addrtype == ref.family && h.h_length == (int)alen, "h_addrtype/h_length");
        check_in(h.h_aliases, sizeof(char *), alignof(char *), buf, buflen, "h_aliases");
        check(h.h_aliases[0] == NULL, "an alias");
        check_in(h.h_addr_list, 2 * sizeof(char *), alignof(char *), buf, buflen, "h_addr_list");
        check_in(h.h_addr_list[0], alen, 4, buf, buflen, "h_addr_list[0]");
        check(h.h_addr_list[1] == NULL, "a second address");
        check(memcmp(h.h_addr_list[0], ref.addr, alen) == 0, "address");
        got_name = h.h_name;
        if (entry == E_3R && with_extras)
            check(ttl == (int32_t)ref_defaults.ttl && canon == h.h_name, "ttl/canon");
    } else {
        if (entry == E_4R_OWN)
            check(pat == &own, "nscd's tuple not used");
        else
            check_in(pat, sizeof *pat, alignof(struct gaih_addrtuple), buf, buflen, "tuple");
        check(pat->next == NULL && pat->family == ref.family && pat->scopeid == 0, "tuple");
        uint8_t addr16[16] = {0};
        memcpy(addr16, ref.addr, alen);
        check(memcmp(pat->addr, addr16, 16) == 0, "tuple address");
        got_name = pat->name;
        if (with_extras)
            check(ttl == (int32_t)ref_defaults.ttl, "ttl");
    }
    check_in(got_name, bare + 1, 1, buf, buflen, "name");
    check(strlen(got_name) == bare && memcmp(got_name, name, bare) == 0, "name as asked");
out:
    free(block);
    free(name);
    return 0;
}
