/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The lexical rules every unit asks: what a byte may be, case folding, the
 * case-insensitive compare, and what a namespace may be (SPEC §1). Small
 * enough to inline where a name is classified. */
#ifndef PODIP_LEX_H
#define PODIP_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PODIP_NAME_MAX 253 /* a DNS name in text, without its trailing dot */
#define PODIP_LABEL_MAX 63

enum podip_byte_class {
    PODIP_DIGIT = 1,
    PODIP_HEX = 2,
    PODIP_ALNUM = 4,     /* a letter or a digit */
    PODIP_NAMESPACE = 8, /* inside a namespace: a letter, a digit or '-' */
    PODIP_DOMAIN = 16,   /* in a label of a configured domain: those, or '_' */
};

extern const uint8_t podip_byte_class[256];

static inline bool podip_is(char c, unsigned class)
{
    return podip_byte_class[(unsigned char)c] & class;
}

static inline unsigned char podip_lower(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 'A' && u <= 'Z' ? (unsigned char)(u + ('a' - 'A')) : u;
}

static inline unsigned char podip_upper(char c)
{
    unsigned char u = (unsigned char)c;
    return u >= 'a' && u <= 'z' ? (unsigned char)(u - ('a' - 'A')) : u;
}

/* Whether the LEN bytes at S are the lowercase text LOWER, ignoring case.
 * Names nearly always come lowercase: then memcmp says so at once. */
static inline bool podip_equal_ci(const char *s, const char *lower, size_t len)
{
    if (memcmp(s, lower, len) == 0)
        return true;
    for (size_t i = 0; i < len; i++)
        if (podip_lower(s[i]) != (unsigned char)lower[i])
            return false;
    return true;
}

/* Whether the LEN bytes at S are a namespace Kubernetes could create:
 * 1-63 letters, digits or '-', starting and ending with a letter or digit. */
bool podip_namespace_valid(const char *s, size_t len);

/* A constant's value as text, for the messages of the parser and the
 * command: "more than " PODIP_STR(PODIP_MAX_ZONES) " zones". */
#define PODIP_STR_(x) #x
#define PODIP_STR(x) PODIP_STR_(x)

/* The same rule in words, for the messages of the parser and the command. */
#define PODIP_NAMESPACE_RULE                                                                       \
    "1-63 letters, digits or '-', starting and ending with a letter or digit"

#endif
