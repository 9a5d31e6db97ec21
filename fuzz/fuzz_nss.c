/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the four entry points with a fuzzed name, family, buffer
 * length (0-65535) and misalignment, each result checked against SPEC §3-§4
 * and tests/reference.h (tests/contract.h). The buffer is malloc'd to its
 * exact end, so AddressSanitizer stops any write past buflen; bytes before
 * it are poisoned and checked by hand.
 * Input: [entry] [family] [buflen lo] [buflen hi] [misalignment] name... */
#include <stdio.h>
#include <stdlib.h>

#include "../tests/contract.h"

#define POISON 0xa5

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    struct lookup l = {
        .entry = (enum entry)(data[0] % E_COUNT),
        .extras = data[0] & 0x80,
        .family = data[1] % 4 == 0   ? AF_INET
                  : data[1] % 4 == 1 ? AF_INET6
                  : data[1] % 4 == 2 ? AF_UNSPEC
                                     : data[1] >> 2,
        .buflen = (size_t)data[2] | (size_t)data[3] << 8,
    };
    size_t mis = data[4] % 16;
    size_t n = strnlen((const char *)data + 5, size - 5);
    char *name = malloc(n + 1);
    memcpy(name, data + 5, n);
    name[n] = '\0';

    char *block = malloc(mis + l.buflen);
    memset(block, POISON, mis + l.buflen);
    l.buf = block + mis;
    lookup_run(&l, name);

    struct ref_answer ref;
    ref_classify(&ref_defaults, name, &ref);
    const char *wrong = lookup_judge(&l, name, &ref, ref_defaults.ttl);
    for (size_t i = 0; i < mis && wrong == NULL; i++)
        if ((unsigned char)block[i] != POISON)
            wrong = "wrote before the buffer";
    if (wrong != NULL) {
        fprintf(stderr, "fuzz_nss: name \"%s\", entry %d, family %d, buflen %zu+%zu: %s\n", name,
                l.entry, l.family, l.buflen, mis, wrong);
        abort();
    }
    free(block);
    free(name);
    return 0;
}
