/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PODIP_NAME_H
#define PODIP_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "podip_conf.h"

enum podip_kind {
    PODIP_PASS,     /* not our name: the next NSS source answers */
    PODIP_NXDOMAIN, /* ours, and cannot exist */
    PODIP_NODATA,   /* ours, exists, holds no address */
    PODIP_ADDRESS,  /* ours, with one address */
};

/* Why an outcome was reached, for `nss-podip explain`. */
enum podip_why {
    PODIP_WHY_NOT_OURS,
    PODIP_WHY_POD,              /* a valid pod name */
    PODIP_WHY_POD_ZONE,         /* pod.ZONE or NAMESPACE.pod.ZONE */
    PODIP_WHY_NAME_TOO_LONG,    /* over 253 characters (PASS: no DNS name, not under a zone) */
    PODIP_WHY_LABEL_TOO_LONG,   /* a label over 63 characters */
    PODIP_WHY_EMPTY_LABEL,      /* two dots in a row, or a leading dot */
    PODIP_WHY_TOO_MANY_LABELS,  /* more than two labels left of the address */
    PODIP_WHY_BAD_NAMESPACE,    /* not a label Kubernetes could create */
    PODIP_WHY_NAMESPACE_DENIED, /* not among the `namespace` lines */
    PODIP_WHY_BAD_ADDRESS,      /* the label is no dashed address (SPEC §2) */
    PODIP_WHY_NOT_ALLOWED,      /* outside every `allow` range */
    PODIP_WHY_WILDCARD,         /* an address under a `wildcard` domain */
    PODIP_WHY_WILDCARD_NONE,    /* under a `wildcard` domain, no address in it */
    PODIP_WHY_ESCAPED,          /* holds a backslash: a DNS text escape */
    PODIP_WHY_RELATIVE_OFF,     /* LABEL.NAMESPACE.pod, with relative names off */
};

/* LEN bytes of the name, AT bytes from its start. */
struct podip_span {
    uint16_t at, len;
};

struct podip_outcome {
    enum podip_kind kind;
    enum podip_why why;
    /* ADDRESS: AF_INET or AF_INET6; BAD_ADDRESS: the family SPEC §2 read
     * the label as */
    int family;
    bool mapped;      /* an IPv4-mapped IPv6 label, answered as IPv4 (SPEC §2 rule 3) */
    uint8_t addr[16]; /* network byte order; 4 bytes used for AF_INET */
    size_t namelen;   /* the name as asked, without its trailing dot */
    bool relative;    /* completed with a zone (SPEC §1) */
    int zone;         /* the index of the pod zone it is under, or -1 */
    int wildcard;     /* the index of the wildcard domain it is under, or -1 */
    /* Under a pod zone, the labels read before it, right to left: the
     * namespace, the address label, up to two ignored ones. */
    unsigned nlabels;
    struct podip_span label[4];
};

/* What a lookup of FAMILY (AF_INET, AF_INET6, or AF_UNSPEC for any) gets
 * for the outcome O: an address of the other family is NODATA (SPEC §3). */
static inline enum podip_kind podip_kind_for(const struct podip_outcome *o, int family)
{
    if (o->kind == PODIP_ADDRESS && family != AF_UNSPEC && family != o->family)
        return PODIP_NODATA;
    return o->kind;
}

/* Classify NAME under CONF (SPEC §1-§3) into OUT, and return OUT->kind.
 * Pure: no I/O, no allocation, no errno; NAME is any NUL-terminated string. */
enum podip_kind podip_classify(const char *name, const struct podip_conf *conf,
                               struct podip_outcome *out);

#endif
