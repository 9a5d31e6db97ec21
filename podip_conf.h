/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef PODIP_CONF_H
#define PODIP_CONF_H

#include <stdbool.h>
#include <stdint.h>

#define PODIP_MAX_ZONES 16
#define PODIP_MAX_NAMESPACES 64
#define PODIP_MAX_ALLOW 64
#define PODIP_MAX_WILDCARDS 16
#define PODIP_NAME_MAX 253
#define PODIP_LABEL_MAX 63

/* A domain, lowercased, without a trailing dot. For pod zones `text` holds
 * "pod." + the cluster domain, so one comparison matches the whole suffix. */
struct podip_domain {
    uint16_t len;
    char text[PODIP_NAME_MAX + 5];
};

struct podip_cidr {
    int family; /* AF_INET or AF_INET6 */
    uint8_t prefix;
    uint8_t addr[16];
};

/* An immutable configuration snapshot (SPEC §6). Fixed size: the module
 * never allocates, and a snapshot can live in static storage. */
struct podip_conf {
    unsigned nzones;
    struct podip_domain zones[PODIP_MAX_ZONES];
    bool relative;
    bool detect_zones;
    uint32_t ttl;
    unsigned nnamespaces;
    struct {
        uint8_t len;
        char text[PODIP_LABEL_MAX + 1];
    } namespaces[PODIP_MAX_NAMESPACES];
    unsigned nallow;
    struct podip_cidr allow[PODIP_MAX_ALLOW];
    unsigned nwildcards;
    struct podip_domain wildcards[PODIP_MAX_WILDCARDS];
};

/* The defaults of SPEC §6: zone cluster.local, relative names on, ttl 5. */
void podip_conf_defaults(struct podip_conf *conf);

/* Add a pod zone (a cluster domain) or a wildcard domain. Returns false when
 * the domain is malformed, already present or the table is full. */
bool podip_conf_add_zone(struct podip_conf *conf, const char *domain, unsigned len);
bool podip_conf_add_wildcard(struct podip_conf *conf, const char *domain, unsigned len);

/* The snapshot in force for this process; never NULL. */
const struct podip_conf *podip_conf_snapshot(void);

#endif
