/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One lookup through an entry point, and its judgement against SPEC §3-§4
 * given the reference answer: the C tests' one copy of SPEC §4, for
 * tests/test_nss.c, tests/stress.c, tests/hostile.c and fuzz/fuzz_nss.c. */
#ifndef TESTS_CONTRACT_H
#define TESTS_CONTRACT_H

#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>

#include "reference.h"

NSS_DECLARE_MODULE_FUNCTIONS(podip)

#define CONTRACT_SENTINEL 12345

struct triple {
    enum nss_status status;
    int err, herr;
};

/* SPEC §4's table, written apart from nss_podip.c's, which it checks: what
 * a lookup of each outcome returns. An errno of CONTRACT_SENTINEL: left
 * untouched. */
static inline struct triple spec_triple(enum ref_kind kind)
{
    switch (kind) {
    case REF_ADDRESS:
        return (struct triple){NSS_STATUS_SUCCESS, CONTRACT_SENTINEL, NETDB_SUCCESS};
    case REF_NODATA:
        return (struct triple){NSS_STATUS_NOTFOUND, ENOENT, NO_DATA};
    case REF_NXDOMAIN:
        return (struct triple){NSS_STATUS_NOTFOUND, ENOENT, HOST_NOT_FOUND};
    case REF_PASS:
        break;
    }
    return (struct triple){NSS_STATUS_UNAVAIL, ENOENT, NO_RECOVERY};
}
/* What a lookup of FAMILY (AF_INET, AF_INET6, or AF_UNSPEC for any) gets
 * for a name whose answer is REF: an address of the other family is NODATA
 * (SPEC §3). */
static inline enum ref_kind ref_kind_for(const struct ref_answer *ref, int family)
{
    if (ref->kind == REF_ADDRESS && family != AF_UNSPEC && family != ref->family)
        return REF_NODATA;
    return ref->kind;
}

#define BAD_FAMILY_TRIPLE ((struct triple){NSS_STATUS_UNAVAIL, EAFNOSUPPORT, NO_DATA})
#define SHORT_BUFFER_TRIPLE ((struct triple){NSS_STATUS_TRYAGAIN, ERANGE, NETDB_INTERNAL})

/* The ways a caller asks: _r, 2_r, 3_r, and 4_r with the tuple in the
 * buffer or, as nscd does, in a tuple of the caller's own. */
enum entry { E_R, E_2R, E_3R, E_4R, E_4R_OWN, E_COUNT };

struct lookup {
    /* the call */
    enum entry entry;
    int family;  /* for 2_r and 3_r */
    bool extras; /* pass ttlp and canonp */
    char *buf;
    size_t buflen;
    /* what came back */
    enum nss_status status;
    int err, herr, errno_after;
    struct hostent h;
    struct gaih_addrtuple own, *pat;
    int32_t ttl;
    char *canon;
};

static inline void lookup_run(struct lookup *l, const char *name)
{
    l->err = CONTRACT_SENTINEL;
    l->herr = -1;
    l->ttl = -1;
    l->canon = NULL;
    l->own = (struct gaih_addrtuple){.family = -1};
    l->pat = l->entry == E_4R_OWN ? &l->own : NULL;
    int32_t *ttlp = l->extras ? &l->ttl : NULL;
    int saved = errno;
    errno = CONTRACT_SENTINEL;
    switch (l->entry) {
    case E_R:
        l->status = _nss_podip_gethostbyname_r(name, &l->h, l->buf, l->buflen, &l->err, &l->herr);
        break;
    case E_2R:
        l->status = _nss_podip_gethostbyname2_r(name, l->family, &l->h, l->buf, l->buflen, &l->err,
                                                &l->herr);
        break;
    case E_3R:
        l->status = _nss_podip_gethostbyname3_r(name, l->family, &l->h, l->buf, l->buflen, &l->err,
                                                &l->herr, ttlp, l->extras ? &l->canon : NULL);
        break;
    default:
        l->status =
            _nss_podip_gethostbyname4_r(name, &l->pat, l->buf, l->buflen, &l->err, &l->herr, ttlp);
        break;
    }
    l->errno_after = errno;
    errno = saved;
}

/* [p, p+size) lies in the buffer, at an address aligned to ALIGN. */
static inline bool lookup_holds(const struct lookup *l, const void *p, size_t size, size_t align)
{
    const char *c = p;
    return c >= l->buf && c + size <= l->buf + l->buflen && (uintptr_t)c % align == 0;
}

/* NULL if L's result is what SPEC §4 allows for NAME, whose answer is REF
 * under a configuration with this TTL; else what is wrong. */
static inline const char *lookup_judge(const struct lookup *l, const char *name,
                                       const struct ref_answer *ref, unsigned ttl)
{
    size_t n = strlen(name), bare = n > 0 && name[n - 1] == '.' ? n - 1 : n;
    int family = l->entry == E_R ? AF_INET : l->family == AF_UNSPEC ? AF_INET : l->family;
    if (l->entry >= E_4R)
        family = AF_UNSPEC;

    if (l->errno_after != CONTRACT_SENTINEL)
        return "errno changed";
    enum ref_kind kind = ref_kind_for(ref, family);
    bool answer = kind == REF_ADDRESS;
    struct triple want = spec_triple(kind);
    if (family != AF_INET && family != AF_INET6 && family != AF_UNSPEC) {
        want = BAD_FAMILY_TRIPLE;
        answer = false;
    }

    /* Room for the name, the address, three pointers or a tuple, and
     * alignment padding: with this much, a short buffer is a lie. */
    size_t ample = bare + 1 + 64 + sizeof(struct gaih_addrtuple);
    struct triple short_buffer = SHORT_BUFFER_TRIPLE;
    if (answer && l->status == short_buffer.status) {
        if (l->err != short_buffer.err || l->herr != short_buffer.herr)
            return "short buffer: errno/h_errno not ERANGE/NETDB_INTERNAL";
        return l->buflen < ample ? NULL : "short buffer claimed with an ample buffer";
    }
    if (l->status != want.status || l->err != want.err || l->herr != want.herr)
        return "status/errno/h_errno not those of SPEC §4 for this outcome";
    if (!answer)
        return l->pat == (l->entry == E_4R_OWN ? &l->own : NULL) ? NULL
                                                                 : "*pat set without an answer";

    size_t alen = ref->family == AF_INET ? 4 : 16;
    const char *got;
    if (l->entry < E_4R) {
        const struct hostent *h = &l->h;
        if (h->h_addrtype != ref->family || h->h_length != (int)alen)
            return "h_addrtype/h_length";
        if (!lookup_holds(l, h->h_aliases, sizeof(char *), alignof(char *)) ||
            h->h_aliases[0] != NULL)
            return "h_aliases";
        if (!lookup_holds(l, h->h_addr_list, 2 * sizeof(char *), alignof(char *)) ||
            !lookup_holds(l, h->h_addr_list[0], alen, 4) || h->h_addr_list[1] != NULL)
            return "h_addr_list";
        if (memcmp(h->h_addr_list[0], ref->addr, alen) != 0)
            return "the address";
        if (l->entry == E_3R && l->extras && (l->ttl != (int32_t)ttl || l->canon != h->h_name))
            return "ttl or canon";
        got = h->h_name;
    } else {
        const struct gaih_addrtuple *t = l->pat;
        if (l->entry == E_4R_OWN ? t != &l->own
                                 : !lookup_holds(l, t, sizeof *t, alignof(struct gaih_addrtuple)))
            return "the tuple's place";
        uint8_t addr16[16] = {0};
        memcpy(addr16, ref->addr, alen);
        if (t->next != NULL || t->family != ref->family || t->scopeid != 0 ||
            memcmp(t->addr, addr16, 16) != 0)
            return "the tuple";
        if (l->extras && l->ttl != (int32_t)ttl)
            return "ttl";
        got = t->name;
    }
    if (!lookup_holds(l, got, bare + 1, 1) || strlen(got) != bare || memcmp(got, name, bare) != 0)
        return "the answer's name";
    return NULL;
}

#endif
