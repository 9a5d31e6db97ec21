/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Building long hostile names, for the test programs that need them. */
#ifndef TESTS_REPEAT_H
#define TESTS_REPEAT_H

#include <stdlib.h>
#include <string.h>

/* Labels of 63 characters, the most a label may hold, and 64. */
#define LONG63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabc"
#define LONG64 LONG63 "d"

/* COUNT copies of UNIT, then TAIL, in a new string; aborts without memory. */
static inline char *repeat(const char *unit, size_t count, const char *tail)
{
    size_t u = strlen(unit), t = strlen(tail);
    char *s = malloc(u * count + t + 1);
    if (s == NULL)
        abort();
    for (size_t i = 0; i < count; i++)
        memcpy(s + i * u, unit, u);
    memcpy(s + u * count, tail, t + 1);
    return s;
}

#endif
