/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* getaddrinfo as a C program calls it, for tests/clients.sh, which builds it
 * three ways: against glibc dynamically, statically, and against musl.
 *
 *   lookup NAME...   one line a name: "NAME ADDR,ADDR" or "NAME !error" */
#include <netdb.h>
#include <stdio.h>
#include <sys/socket.h>

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res;
        int rc = getaddrinfo(argv[i], NULL, &hints, &res);
        if (rc != 0) {
            printf("%s !%s\n", argv[i], gai_strerror(rc));
            continue;
        }
        printf("%s ", argv[i]);
        const char *sep = "";
        for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
            char text[NI_MAXHOST];
            if (getnameinfo(ai->ai_addr, ai->ai_addrlen, text, sizeof text, NULL, 0,
                            NI_NUMERICHOST) == 0)
                printf("%s%s", sep, text);
            sep = ",";
        }
        printf("\n");
        freeaddrinfo(res);
    }
    return 0;
}
