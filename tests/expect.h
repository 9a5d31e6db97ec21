/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Reading the expectation columns of tests/cases.h. */
#ifndef TESTS_EXPECT_H
#define TESTS_EXPECT_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

/* Parse an expected address ("10.0.0.1", "fd00::1"); false for NODATA,
 * NXDOMAIN and PASS. */
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
    return expected_address(a, &family, addr) || !expected_address(aaaa, &family, addr) ? a
                                                                                          : aaaa;
}

#endif
