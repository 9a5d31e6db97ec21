/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The glibc NSS entry points (SPEC §4): classify the name under the
 * configuration in force, then pack the outcome into the caller's buffer.
 * Nothing here allocates or prints; podip_snapshot.h says when a lookup
 * looks at the configuration files. */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "podip_snapshot.h"

#define EXPORT __attribute__((visibility("default")))

/* glibc 2.33 and later declare the entry points, so the compiler checks
 * ours against them; the portable build's glibc 2.31 does not. */
#ifdef NSS_DECLARE_MODULE_FUNCTIONS
NSS_DECLARE_MODULE_FUNCTIONS(podip)
#endif

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

static enum nss_status report(enum result r, int *errnop, int *h_errnop)
{
    if (contract[r].err != 0)
        *errnop = contract[r].err;
    *h_errnop = contract[r].herr;
    return contract[r].status;
}

/* NAME classified under the snapshot in force into *O and *TTL, as the
 * answer to a lookup of FAMILY (AF_UNSPEC: any). */
static enum result lookup(const char *name, int family, struct podip_outcome *o, uint32_t *ttl)
{
    podip_snapshot_classify(name, o, ttl);
    switch (podip_kind_for(o, family)) {
    case PODIP_ADDRESS:
        return RESULT_ANSWER;
    case PODIP_NODATA:
        return RESULT_NODATA;
    case PODIP_NXDOMAIN:
        return RESULT_NXDOMAIN;
    case PODIP_PASS:
        break;
    }
    return RESULT_PASS;
}

/* A bump allocator over the caller's buffer, on addresses as numbers:
 * callers pass buffers at any address, so the pointer is aligned, not an
 * offset. A packer lays every piece out, checks the end once against the
 * buffer's, and only then writes: a short buffer is left untouched. */
struct packer {
    uintptr_t at;
};

static uintptr_t take(struct packer *p, size_t size, size_t align)
{
    uintptr_t r = p->at + (-p->at % align);
    p->at = r + size;
    return r;
}

static bool fits(const struct packer *p, const char *buffer, size_t buflen)
{
    return p->at - (uintptr_t)buffer <= buflen;
}

/* The address, 4 or 16 bytes: two constant sizes, which the compiler copies
 * without a call. */
static void copy_address(void *to, const struct podip_outcome *o)
{
    if (o->family == AF_INET)
        memcpy(to, o->addr, 4);
    else
        memcpy(to, o->addr, 16);
}

static char *copy_name(char *to, const char *name, size_t len)
{
    memcpy(to, name, len);
    to[len] = '\0';
    return to;
}

/* A hostent of one address and no alias; the name as asked, without its
 * trailing dot (O->namelen bytes). */
static enum result pack_hostent(const char *name, const struct podip_outcome *o, struct hostent *h,
                                char *buffer, size_t buflen)
{
    int alen = o->family == AF_INET ? 4 : 16;
    struct packer p = {(uintptr_t)buffer};
    char **aliases = (char **)take(&p, sizeof(char *), alignof(char *));
    char **list = (char **)take(&p, 2 * sizeof(char *), alignof(char *));
    char *addr = (char *)take(&p, (size_t)alen, alignof(uint32_t));
    char *h_name = (char *)take(&p, o->namelen + 1, 1);
    if (!fits(&p, buffer, buflen))
        return RESULT_SHORT_BUFFER;

    aliases[0] = NULL;
    copy_address(addr, o);
    list[0] = addr;
    list[1] = NULL;
    h->h_name = copy_name(h_name, name, o->namelen);
    h->h_aliases = aliases;
    h->h_addrtype = o->family;
    h->h_length = alen;
    h->h_addr_list = list;
    return RESULT_ANSWER;
}

/* One gaih_addrtuple. nscd hands in a tuple of its own in *PAT and expects
 * the first record stored there; other callers pass NULL and get one in
 * the buffer. */
static enum result pack_tuple(const char *name, const struct podip_outcome *o,
                              struct gaih_addrtuple **pat, char *buffer, size_t buflen)
{
    struct packer p = {(uintptr_t)buffer};
    struct gaih_addrtuple *t = *pat;
    if (t == NULL)
        t = (struct gaih_addrtuple *)take(&p, sizeof *t, alignof(struct gaih_addrtuple));
    char *t_name = (char *)take(&p, o->namelen + 1, 1);
    if (!fits(&p, buffer, buflen))
        return RESULT_SHORT_BUFFER;

    t->next = NULL;
    t->name = copy_name(t_name, name, o->namelen);
    t->family = o->family;
    memset(t->addr, 0, sizeof t->addr);
    copy_address(t->addr, o);
    t->scopeid = 0;
    *pat = t;
    return RESULT_ANSWER;
}

static enum nss_status gethostbyname3(const char *name, int af, struct hostent *result,
                                      char *buffer, size_t buflen, int *errnop, int *h_errnop,
                                      int32_t *ttlp, char **canonp)
{
    if (af == AF_UNSPEC)
        af = AF_INET; /* SPEC §4 */
    if (af != AF_INET && af != AF_INET6)
        return report(RESULT_BAD_FAMILY, errnop, h_errnop);

    struct podip_outcome o;
    uint32_t ttl;
    enum result r = lookup(name, af, &o, &ttl);
    if (r == RESULT_ANSWER)
        r = pack_hostent(name, &o, result, buffer, buflen);
    if (r == RESULT_ANSWER) {
        if (ttlp != NULL)
            *ttlp = (int32_t)ttl;
        if (canonp != NULL)
            *canonp = result->h_name;
    }
    return report(r, errnop, h_errnop);
}

EXPORT enum nss_status _nss_podip_gethostbyname3_r(const char *name, int af, struct hostent *result,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop, int32_t *ttlp, char **canonp)
{
    return gethostbyname3(name, af, result, buffer, buflen, errnop, h_errnop, ttlp, canonp);
}

EXPORT enum nss_status _nss_podip_gethostbyname2_r(const char *name, int af, struct hostent *result,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop)
{
    return gethostbyname3(name, af, result, buffer, buflen, errnop, h_errnop, NULL, NULL);
}

EXPORT enum nss_status _nss_podip_gethostbyname_r(const char *name, struct hostent *result,
                                                  char *buffer, size_t buflen, int *errnop,
                                                  int *h_errnop)
{
    return gethostbyname3(name, AF_INET, result, buffer, buflen, errnop, h_errnop, NULL, NULL);
}

EXPORT enum nss_status _nss_podip_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop, int32_t *ttlp)
{
    struct podip_outcome o;
    uint32_t ttl;
    enum result r = lookup(name, AF_UNSPEC, &o, &ttl);
    if (r == RESULT_ANSWER)
        r = pack_tuple(name, &o, pat, buffer, buflen);
    if (r == RESULT_ANSWER && ttlp != NULL)
        *ttlp = (int32_t)ttl;
    return report(r, errnop, h_errnop);
}
