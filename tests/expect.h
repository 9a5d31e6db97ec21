/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The words of tests/cases.h's columns: an address ("10.0.0.1",
 * "fd00::1"), NODATA, NXDOMAIN or PASS, written and read once for the C
 * tests. */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "../podip_name.h"

/* Parse an expected address; false for NODATA, NXDOMAIN and PASS. */
static inline bool expected_address(const char *text, int *family, uint8_t addr[16])
{
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, text, addr) == 1) {
        *family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, text, addr) == 1) {
        *family = AF_INET6;
        return true;
    }
    return false;
}

/* The any-family column of SPEC §3. */
static inline const char *expected_any(const char *a, const char *aaaa)
{
    int family;
    uint8_t addr[16];
    return expected_address(a, &family, addr) || !expected_address(aaaa, &family, addr) ? a : aaaa;
}

/* What a lookup of FAMILY (AF_INET, AF_INET6, or AF_UNSPEC for any) answers
 * for the outcome O, in those words; an address is written into TEXT. */
static inline const char *outcome_text(const struct podip_outcome *o, int family,
                                       char text[INET6_ADDRSTRLEN])
{
    switch (podip_kind_for(o, family)) {
    case PODIP_PASS:
        return "PASS";
    case PODIP_NXDOMAIN:
        return "NXDOMAIN";
    case PODIP_NODATA:
        return "NODATA";
    case PODIP_ADDRESS:
        break;
    }
    return inet_ntop(o->family, o->addr, text, INET6_ADDRSTRLEN);
}

/* The outcome of NAME under CONF in those words (an address in a buffer
 * that the next call reuses). */
static inline const char *classify_text(const struct podip_conf *conf, const char *name)
{
    static char text[INET6_ADDRSTRLEN];
    struct podip_outcome o;
    podip_classify(name, conf, &o);
    return outcome_text(&o, AF_UNSPEC, text);
}

#endif
