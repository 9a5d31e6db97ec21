/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The glibc NSS entry points (SPEC §4): classify, then pack the outcome into
 * the caller's buffer. Nothing here allocates, opens, prints or locks. */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "podip_name.h"

#define EXPORT __attribute__((visibility("default")))

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

static enum nss_status report(enum result r, int *errnop, int *h_errnop)
{
    if (contract[r].err != 0)
        *errnop = contract[r].err;
    *h_errnop = contract[r].herr;
    return contract[r].status;
}

/* The outcome of a lookup restricted to FAMILY (AF_UNSPEC: any). */
static enum result result_for(const struct podip_outcome *o, int family)
{
    switch (o->kind) {
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

/* A bump allocator over the caller's buffer. It aligns the pointer, not an
 * offset, because callers pass buffers at any address. */
struct packer {
    char *next;
    size_t left;
};

static void *pack(struct packer *p, size_t size, size_t align)
{
    size_t pad = -(uintptr_t)p->next % align;
    if (p->left < pad || p->left - pad < size)
        return NULL;
    void *at = p->next + pad;
    p->next += pad + size;
    p->left -= pad + size;
    return at;
}

static char *pack_name(struct packer *p, const char *name, size_t len)
{
    char *s = pack(p, len + 1, 1);
    if (s != NULL) {
        memcpy(s, name, len);
        s[len] = '\0';
    }
    return s;
}

static size_t addr_size(int family)
{
    return family == AF_INET ? 4 : 16;
}

static enum result pack_hostent(const char *name, const struct podip_outcome *o,
                                struct hostent *result, char *buffer, size_t buflen)
{
    struct packer p = {buffer, buflen};
    size_t alen = addr_size(o->family);
    char **aliases = pack(&p, sizeof(char *), alignof(char *));
    char **list = pack(&p, 2 * sizeof(char *), alignof(char *));
    uint8_t *addr = pack(&p, alen, alignof(uint32_t));
    char *h_name = pack_name(&p, name, o->namelen);
    if (aliases == NULL || list == NULL || addr == NULL || h_name == NULL)
        return RESULT_SHORT_BUFFER;

    memcpy(addr, o->addr, alen);
    aliases[0] = NULL;
    list[0] = (char *)addr;
    list[1] = NULL;
    result->h_name = h_name;
    result->h_aliases = aliases;
    result->h_addrtype = o->family;
    result->h_length = (int)alen;
    result->h_addr_list = list;
    return RESULT_ANSWER;
}

/* Classify NAME under the configuration snapshot, again if a reload
 * rewrote the snapshot meanwhile (podip_conf.c); returns its ttl. */
static uint32_t classify(const char *name, struct podip_outcome *o)
{
    const struct podip_conf *conf;
    unsigned ticket;
    uint32_t ttl;
    do {
        conf = podip_conf_begin(&ticket);
        podip_classify(name, conf, o);
        ttl = conf->ttl;
    } while (!podip_conf_unchanged(conf, ticket));
    return ttl;
}

EXPORT enum nss_status _nss_podip_gethostbyname3_r(const char *name, int af, struct hostent *result,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop, int32_t *ttlp, char **canonp)
{
    if (af == AF_UNSPEC)
        af = AF_INET;
    if (af != AF_INET && af != AF_INET6)
        return report(RESULT_BAD_FAMILY, errnop, h_errnop);

    struct podip_outcome o;
    uint32_t ttl = classify(name, &o);
    enum result r = result_for(&o, af);
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

EXPORT enum nss_status _nss_podip_gethostbyname2_r(const char *name, int af, struct hostent *result,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop)
{
    return _nss_podip_gethostbyname3_r(name, af, result, buffer, buflen, errnop, h_errnop, NULL,
                                       NULL);
}

EXPORT enum nss_status _nss_podip_gethostbyname_r(const char *name, struct hostent *result,
                                                  char *buffer, size_t buflen, int *errnop,
                                                  int *h_errnop)
{
    return _nss_podip_gethostbyname3_r(name, AF_INET, result, buffer, buflen, errnop, h_errnop,
                                       NULL, NULL);
}

EXPORT enum nss_status _nss_podip_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
                                                   char *buffer, size_t buflen, int *errnop,
                                                   int *h_errnop, int32_t *ttlp)
{
    struct podip_outcome o;
    uint32_t ttl = classify(name, &o);
    enum result r = result_for(&o, AF_UNSPEC);
    if (r != RESULT_ANSWER)
        return report(r, errnop, h_errnop);

    struct packer p = {buffer, buflen};
    char *h_name = pack_name(&p, name, o.namelen);
    /* nscd hands in a tuple of its own in *pat and expects the first
     * record stored there; other callers pass NULL and get ours. */
    struct gaih_addrtuple *t = *pat;
    if (t == NULL)
        t = pack(&p, sizeof *t, alignof(struct gaih_addrtuple));
    if (h_name == NULL || t == NULL)
        return report(RESULT_SHORT_BUFFER, errnop, h_errnop);

    t->next = NULL;
    t->name = h_name;
    t->family = o.family;
    memset(t->addr, 0, sizeof t->addr);
    memcpy(t->addr, o.addr, addr_size(o.family));
    t->scopeid = 0;
    *pat = t;
    if (ttlp != NULL)
        *ttlp = (int32_t)ttl;
    return report(RESULT_ANSWER, errnop, h_errnop);
}
