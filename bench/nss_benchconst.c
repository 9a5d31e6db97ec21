/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The benchmark's floor for any hosts module: every name is 10.42.2.46.
 * What getaddrinfo costs through it is glibc's own NSS dispatch. Not installed. */
#include <errno.h>
#include <netdb.h>
#include <nss.h>
#include <stdalign.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#define EXPORT __attribute__((visibility("default")))

NSS_DECLARE_MODULE_FUNCTIONS(benchconst)

static const uint8_t address[4] = {10, 42, 2, 46};

/* The name, then the alias and address lists, then the address, in BUFFER. */
struct layout {
    char *name;
    uint8_t *addr;
    char **aliases;
    char **list;
};

static int lay_out(const char *name, char *buffer, size_t buflen, struct layout *l)
{
    size_t len = strlen(name) + 1;
    size_t pad = -(uintptr_t)(buffer + len) % alignof(char *);
    if (buflen < len + pad + 3 * sizeof(char *) + sizeof address)
        return -1;
    l->name = memcpy(buffer, name, len);
    l->aliases = (char **)(buffer + len + pad);
    l->list = l->aliases + 1;
    l->addr = (uint8_t *)(l->list + 2);
    memcpy(l->addr, address, sizeof address);
    return 0;
}

EXPORT enum nss_status _nss_benchconst_gethostbyname3_r(const char *name, int af,
                                                        struct hostent *result, char *buffer,
                                                        size_t buflen, int *errnop, int *h_errnop,
                                                        int32_t *ttlp, char **canonp)
{
    struct layout l;
    if (af != AF_INET && af != AF_UNSPEC) {
        *errnop = ENOENT;
        *h_errnop = NO_DATA;
        return NSS_STATUS_NOTFOUND;
    }
    if (lay_out(name, buffer, buflen, &l) != 0) {
        *errnop = ERANGE;
        *h_errnop = NETDB_INTERNAL;
        return NSS_STATUS_TRYAGAIN;
    }
    l.aliases[0] = NULL;
    l.list[0] = (char *)l.addr;
    l.list[1] = NULL;
    result->h_name = l.name;
    result->h_aliases = l.aliases;
    result->h_addrtype = AF_INET;
    result->h_length = sizeof address;
    result->h_addr_list = l.list;
    if (ttlp != NULL)
        *ttlp = 5;
    if (canonp != NULL)
        *canonp = l.name;
    *h_errnop = NETDB_SUCCESS;
    return NSS_STATUS_SUCCESS;
}

EXPORT enum nss_status _nss_benchconst_gethostbyname2_r(const char *name, int af,
                                                        struct hostent *result, char *buffer,
                                                        size_t buflen, int *errnop, int *h_errnop)
{
    return _nss_benchconst_gethostbyname3_r(name, af, result, buffer, buflen, errnop, h_errnop,
                                            NULL, NULL);
}

EXPORT enum nss_status _nss_benchconst_gethostbyname_r(const char *name, struct hostent *result,
                                                       char *buffer, size_t buflen, int *errnop,
                                                       int *h_errnop)
{
    return _nss_benchconst_gethostbyname3_r(name, AF_INET, result, buffer, buflen, errnop, h_errnop,
                                            NULL, NULL);
}

EXPORT enum nss_status _nss_benchconst_gethostbyname4_r(const char *name,
                                                        struct gaih_addrtuple **pat, char *buffer,
                                                        size_t buflen, int *errnop, int *h_errnop,
                                                        int32_t *ttlp)
{
    size_t len = strlen(name) + 1;
    size_t pad = -(uintptr_t)(buffer + len) % alignof(struct gaih_addrtuple);
    struct gaih_addrtuple *t = *pat;
    if (buflen < len + pad + (t == NULL ? sizeof *t : 0)) {
        *errnop = ERANGE;
        *h_errnop = NETDB_INTERNAL;
        return NSS_STATUS_TRYAGAIN;
    }
    char *copy = memcpy(buffer, name, len);
    if (t == NULL)
        t = (struct gaih_addrtuple *)(buffer + len + pad);
    memset(t, 0, sizeof *t);
    t->name = copy;
    t->family = AF_INET;
    memcpy(t->addr, address, sizeof address);
    *pat = t;
    if (ttlp != NULL)
        *ttlp = 5;
    *h_errnop = NETDB_SUCCESS;
    return NSS_STATUS_SUCCESS;
}
