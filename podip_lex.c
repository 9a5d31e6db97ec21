/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "podip_lex.h"

#define ALNUM (PODIP_ALNUM | PODIP_NAMESPACE | PODIP_DOMAIN)

const uint8_t podip_byte_class[256] = {
    ['0' ... '9'] = PODIP_DIGIT | PODIP_HEX | ALNUM,
    ['a' ... 'f'] = PODIP_HEX | ALNUM,
    ['A' ... 'F'] = PODIP_HEX | ALNUM,
    ['g' ... 'z'] = ALNUM,
    ['G' ... 'Z'] = ALNUM,
    ['-'] = PODIP_NAMESPACE | PODIP_DOMAIN,
    ['_'] = PODIP_DOMAIN,
};

bool podip_namespace_valid(const char *s, size_t len)
{
    if (len < 1 || len > PODIP_LABEL_MAX || !podip_is(s[0], PODIP_ALNUM) ||
        !podip_is(s[len - 1], PODIP_ALNUM))
        return false;
    for (size_t i = 1; i + 1 < len; i++)
        if (!podip_is(s[i], PODIP_NAMESPACE))
            return false;
    return true;
}
