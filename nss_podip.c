/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The glibc NSS entry points (SPEC §4): classify, then pack the outcome into
 * the caller's buffer. Nothing here allocates, opens, prints or locks. */
#include <assert.h>
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "podip_name.h"

#define EXPORT __attribute__((visibility("default")))

/* Called through the GOT, not a PLT stub: an instruction less a lookup
 * (GCC; clang has no such attribute). */
#ifdef __has_attribute
#if __has_attribute(noplt)
extern __typeof__(strlen) strlen __attribute__((noplt));
/* GCC's call of memcpy itself ignores noplt: the name is copied by memcpy
 * under another C name, which GCC does not take for its builtin. */
extern void *copy_name(void *restrict to, const void *restrict from, size_t n) __asm__("memcpy")
    __attribute__((noplt));
#define HAVE_COPY_NAME 1
#endif
#endif
#ifndef HAVE_COPY_NAME
#define copy_name memcpy
#endif

NSS_DECLARE_MODULE_FUNCTIONS(podip)

enum result {
    RESULT_ANSWER,
    RESULT_NODATA,
    RESULT_NXDOMAIN,
    RESULT_PASS,
    RESULT_BAD_FAMILY,
    RESULT_SHORT_BUFFER,
};

/* SPEC §4, the one place it is written. errno 0 means "left untouched". */
static const struct {
    enum nss_status status;
    int err;
    int herr;
} contract[] = {
    [RESULT_ANSWER] = {NSS_STATUS_SUCCESS, 0, NETDB_SUCCESS},
    [RESULT_NODATA] = {NSS_STATUS_NOTFOUND, ENOENT, NO_DATA},
    [RESULT_NXDOMAIN] = {NSS_STATUS_NOTFOUND, ENOENT, HOST_NOT_FOUND},
    [RESULT_PASS] = {NSS_STATUS_UNAVAIL, ENOENT, NO_RECOVERY},
    [RESULT_BAD_FAMILY] = {NSS_STATUS_UNAVAIL, EAFNOSUPPORT, NO_DATA},
    [RESULT_SHORT_BUFFER] = {NSS_STATUS_TRYAGAIN, ERANGE, NETDB_INTERNAL},
};

/* Inline so that an entry point's constant R folds the table away. */
static inline enum nss_status report(enum result r, int *errnop, int *h_errnop)
{
    if (contract[r].err != 0)
        *errnop = contract[r].err;
    *h_errnop = contract[r].herr;
    return contract[r].status;
}

/* The outcome KIND (and O) of a lookup restricted to FAMILY (AF_UNSPEC: any). */
static inline enum result result_for(enum podip_kind kind, const struct podip_outcome *o,
                                     int family)
{
    switch (kind) {
    case PODIP_ADDRESS:
        return family == AF_UNSPEC || family == o->family ? RESULT_ANSWER : RESULT_NODATA;
    case PODIP_NODATA:
        return RESULT_NODATA;
    case PODIP_NXDOMAIN:
        return RESULT_NXDOMAIN;
    case PODIP_PASS:
        break;
    }
    return RESULT_PASS;
}

/* The padding that aligns P to ALIGN: callers pass buffers at any address,
 * so the pointer is aligned, not an offset. */
static inline size_t pad_for(const char *p, size_t align)
{
    return -(uintptr_t)p % align;
}

/* Two constant sizes, which the compiler copies without a call. */
static inline void copy_addr(void *to, int family, const uint8_t *addr)
{
    if (family == AF_INET)
        memcpy(to, addr, 4);
    else
        memcpy(to, addr, 16);
}

/* Each packer computes the bytes it needs, checks the buffer once, then
 * fills it front to back: pointers first, where the alignment is. O's
 * fields are read once: the compiler cannot tell that the stores into the
 * caller's buffer leave O alone. */
static inline __attribute__((always_inline)) enum result
pack_hostent_as(int family, size_t alen, const char *name, const struct podip_outcome *o,
                struct hostent *result, char *buffer, size_t buflen)
{
    size_t namelen = o->namelen;
    size_t pad = pad_for(buffer, alignof(char *));
    if (buflen < pad + 3 * sizeof(char *) + alen + namelen + 1)
        return RESULT_SHORT_BUFFER;

    char **aliases = (char **)(void *)(buffer + pad);
    char **list = aliases + 1; /* the address, then NULL */
    char *addr = (char *)(list + 2);
    char *h_name = addr + alen;
    aliases[0] = NULL;
    list[0] = addr;
    list[1] = NULL;
    memcpy(addr, o->addr, alen);
    result->h_name = h_name;
    result->h_aliases = aliases;
    result->h_addrtype = family;
    result->h_length = (int)alen;
    result->h_addr_list = list;
    /* the name last: then no pointer needs saving across the call */
    h_name[namelen] = '\0';
    copy_name(h_name, name, namelen);
    return RESULT_ANSWER;
}

/* One packer per family, so that the address's size is a constant: one
 * branch on the family instead of one per use of the size. */
static inline enum result pack_hostent(const char *name, const struct podip_outcome *o,
                                       struct hostent *result, char *buffer, size_t buflen)
{
    if (o->family == AF_INET)
        return pack_hostent_as(AF_INET, 4, name, o, result, buffer, buflen);
    return pack_hostent_as(AF_INET6, 16, name, o, result, buffer, buflen);
}

/* nscd hands in a tuple of its own in *pat and expects the first record
 * stored there; other callers pass NULL and get one in the buffer. */
static inline enum result pack_tuple(const char *name, const struct podip_outcome *o,
                                     struct gaih_addrtuple **pat, char *buffer, size_t buflen)
{
    int family = o->family;
    size_t namelen = o->namelen;
    struct gaih_addrtuple *t = *pat;
    size_t need = namelen + 1;
    if (t == NULL)
        need += pad_for(buffer, alignof(struct gaih_addrtuple)) + sizeof *t;
    if (buflen < need)
        return RESULT_SHORT_BUFFER;

    char *h_name = buffer;
    if (t == NULL) {
        t = (struct gaih_addrtuple *)(void *)(buffer +
                                              pad_for(buffer, alignof(struct gaih_addrtuple)));
        h_name = (char *)(t + 1);
    }
    t->next = NULL;
    t->name = h_name;
    t->family = family;
    memset(t->addr, 0, sizeof t->addr);
    copy_addr(t->addr, family, o->addr);
    t->scopeid = 0;
    *pat = t;
    /* the name last: then no pointer needs saving across the call */
    h_name[namelen] = '\0';
    copy_name(h_name, name, namelen);
    return RESULT_ANSWER;
}

/* One call of an entry point, in the entry point's frame. Most names are
 * not ours and need only NAME and the error pointers after the calls of
 * strlen and time; with the rest here, not in registers, the entry points
 * save three registers instead of six. For that, the outcome is here too:
 * its address goes to the classifier, so the compiler keeps the whole
 * struct in memory and reads it back after each call. Each entry point
 * fills only the fields it has. */
struct call {
    const char *name;
    size_t len; /* strlen(name) */
    struct podip_view view;
    int *errnop, *h_errnop;
    char *buffer;
    size_t buflen;
    struct gaih_addrtuple **pat; /* gethostbyname4_r */
    int af;                      /* the hostent ones */
    struct hostent *result;
    struct podip_outcome o;
};

/* What podip_may_own() says of C's name under the current snapshot, kept
 * in C->view: 0 if not ours. Its test, inline, turns away most names before
 * the classifier is called; when it does, only after checking that no reload
 * rewrote the snapshot meanwhile (podip_conf.c). The length is returned, not
 * kept in C: the classifier's call is its only use, so nothing stores it. */
static inline __attribute__((always_inline)) size_t screen(struct call *c)
{
    struct podip_view v;
    do {
        v = podip_conf_begin();
        size_t n = podip_may_own(c->name, c->len, &v.slot->conf);
        if (n != 0) {
            c->view = v;
            return n;
        }
        /* a rewrite meanwhile is rare: said so, the loop is laid out
         * without the padding a hot loop gets before its top */
    } while (__builtin_expect(!podip_conf_unchanged(v), 0));
    return 0;
}

/* Classify the name screen() let through (N: what it returned), into C->o,
 * under C->view; the outcome holds if podip_conf_unchanged(C->view) after. */
static inline __attribute__((always_inline)) enum podip_kind classify_once(struct call *c, size_t n,
                                                                           uint32_t *ttl)
{
    const struct podip_conf *conf = &c->view.slot->conf;
    enum podip_kind kind = podip_classify_candidate(c->name, c->len, n, conf, &c->o);
    *ttl = conf->ttl;
    return kind;
}

/* Classify the name screen() let through; again, screened anew, if a
 * reload rewrote the snapshot meanwhile. */
static inline __attribute__((always_inline)) enum podip_kind classify(struct call *c, size_t n,
                                                                      uint32_t *ttl)
{
    for (;;) {
        enum podip_kind kind = classify_once(c, n, ttl);
        if (podip_conf_unchanged(c->view))
            return kind;
        n = screen(c);
        if (n == 0)
            return PODIP_PASS;
    }
}

static enum nss_status gethostbyname3_again(const char *name, int af, struct hostent *result,
                                            char *buffer, size_t buflen, int *errnop, int *h_errnop,
                                            int32_t *ttlp, char **canonp);

/* The hostent entry points, each one call of this, inlined so that the
 * derived ones pay for no chain of calls. A reload while the name is
 * classified, which is rare, makes the call begin again out of line
 * (AGAIN: there, classify() retries in a loop): then the entry points have
 * no loop around the classifier and keep nothing in a saved register. */
static inline __attribute__((always_inline)) enum nss_status
gethostbyname3(const char *name, int af, struct hostent *result, char *buffer, size_t buflen,
               int *errnop, int *h_errnop, int32_t *ttlp, char **canonp, bool again)
{
    /* AF_UNSPEC, AF_INET or AF_INET6, in one compare and one bit test */
    if ((unsigned)af > AF_INET6 || !((1u << AF_UNSPEC | 1u << AF_INET | 1u << AF_INET6) >> af & 1))
        return report(RESULT_BAD_FAMILY, errnop, h_errnop);

    struct call c;
    c.name = name;
    c.af = af;
    c.result = result;
    c.buffer = buffer;
    c.buflen = buflen;
    c.errnop = errnop;
    /* h_errnop not: the 7th argument is in memory already */
    c.len = strlen(name);
    size_t n = screen(&c);
    if (n == 0) /* most names: the answer is constants */
        return report(RESULT_PASS, c.errnop, h_errnop);

    uint32_t ttl;
    enum podip_kind kind;
    if (again) {
        kind = classify(&c, n, &ttl);
    } else {
        kind = classify_once(&c, n, &ttl);
        if (__builtin_expect(!podip_conf_unchanged(c.view), 0))
            return gethostbyname3_again(c.name, c.af, c.result, c.buffer, c.buflen, c.errnop,
                                        h_errnop, ttlp, canonp);
    }
    /* AF_UNSPEC means AF_INET here, told only now: most names never get
     * here. Of the three families checked above, AF_INET and AF_INET6
     * have AF_INET's bit and AF_UNSPEC none, so one OR tells it. */
    static_assert((AF_INET6 & AF_INET) == AF_INET && AF_UNSPEC == 0, "AF_INET6 has AF_INET's bit");
    int family = c.af | AF_INET;
    if (kind != PODIP_ADDRESS || c.o.family != family)
        return report(result_for(kind, &c.o, family), c.errnop, h_errnop);
    if (pack_hostent(c.name, &c.o, c.result, c.buffer, c.buflen) != RESULT_ANSWER)
        return report(RESULT_SHORT_BUFFER, c.errnop, h_errnop);
    if (ttlp != NULL)
        *ttlp = (int32_t)ttl;
    if (canonp != NULL)
        *canonp = c.result->h_name;
    return report(RESULT_ANSWER, c.errnop, h_errnop);
}

static __attribute__((noinline, cold)) enum nss_status
gethostbyname3_again(const char *name, int af, struct hostent *result, char *buffer, size_t buflen,
                     int *errnop, int *h_errnop, int32_t *ttlp, char **canonp)
{
    return gethostbyname3(name, af, result, buffer, buflen, errnop, h_errnop, ttlp, canonp, true);
}

EXPORT enum nss_status _nss_podip_gethostbyname3_r(const char *name, int af, struct hostent *result,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop, int32_t *ttlp, char **canonp)
{
    return gethostbyname3(name, af, result, buffer, buflen, errnop, h_errnop, ttlp, canonp, false);
}

EXPORT enum nss_status _nss_podip_gethostbyname2_r(const char *name, int af, struct hostent *result,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop)
{
    return gethostbyname3(name, af, result, buffer, buflen, errnop, h_errnop, NULL, NULL, false);
}

EXPORT enum nss_status _nss_podip_gethostbyname_r(const char *name, struct hostent *result,
                                                  char *buffer, size_t buflen, int *errnop,
                                                  int *h_errnop)
{
    return gethostbyname3(name, AF_INET, result, buffer, buflen, errnop, h_errnop, NULL, NULL,
                          false);
}

static enum nss_status gethostbyname4_again(const char *name, struct gaih_addrtuple **pat,
                                            char *buffer, size_t buflen, int *errnop, int *h_errnop,
                                            int32_t *ttlp);

/* gethostbyname4_r, with its reload retry out of line as gethostbyname3's. */
static inline __attribute__((always_inline)) enum nss_status
gethostbyname4(const char *name, struct gaih_addrtuple **pat, char *buffer, size_t buflen,
               int *errnop, int *h_errnop, int32_t *ttlp, bool again)
{
    struct call c;
    c.name = name;
    c.pat = pat;
    c.buffer = buffer;
    c.buflen = buflen;
    c.errnop = errnop;
    c.h_errnop = h_errnop;
    c.len = strlen(name);
    size_t n = screen(&c);
    if (n == 0) /* most names: the answer is constants */
        return report(RESULT_PASS, c.errnop, c.h_errnop);

    uint32_t ttl;
    enum podip_kind kind;
    if (again) {
        kind = classify(&c, n, &ttl);
    } else {
        kind = classify_once(&c, n, &ttl);
        if (__builtin_expect(!podip_conf_unchanged(c.view), 0))
            return gethostbyname4_again(c.name, c.pat, c.buffer, c.buflen, c.errnop, c.h_errnop,
                                        ttlp);
    }
    if (kind != PODIP_ADDRESS) /* any family will do */
        return report(result_for(kind, &c.o, AF_UNSPEC), c.errnop, c.h_errnop);
    if (pack_tuple(c.name, &c.o, c.pat, c.buffer, c.buflen) != RESULT_ANSWER)
        return report(RESULT_SHORT_BUFFER, c.errnop, c.h_errnop);
    if (ttlp != NULL)
        *ttlp = (int32_t)ttl;
    return report(RESULT_ANSWER, c.errnop, c.h_errnop);
}

static __attribute__((noinline, cold)) enum nss_status
gethostbyname4_again(const char *name, struct gaih_addrtuple **pat, char *buffer, size_t buflen,
                     int *errnop, int *h_errnop, int32_t *ttlp)
{
    return gethostbyname4(name, pat, buffer, buflen, errnop, h_errnop, ttlp, true);
}

EXPORT enum nss_status _nss_podip_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop, int32_t *ttlp)
{
    return gethostbyname4(name, pat, buffer, buflen, errnop, h_errnop, ttlp, false);
}
