/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Resolve names through the real glibc, the way programs do, and print one
 * line a name so shell tests can compare it with the SPEC.
 *
 *   resolve [-s SERVICES] gai FAMILY FLAGS NAME   getaddrinfo
 *   resolve [-s SERVICES] ghbn NAME               gethostbyname
 *   resolve [-s SERVICES] ghbn2 FAMILY NAME       gethostbyname2
 *
 * FAMILY is unspec, inet or inet6; FLAGS a comma list of v4mapped, all,
 * canonname, addrconfig, or "-". -s calls __nss_configure_lookup("hosts").
 * Output: the addresses in order (and "canon=NAME"), or the error's name. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

extern int __nss_configure_lookup(const char *db, const char *service_line);

static int family_of(const char *s)
{
    if (strcmp(s, "inet") == 0)
        return AF_INET;
    if (strcmp(s, "inet6") == 0)
        return AF_INET6;
    if (strcmp(s, "unspec") == 0)
        return AF_UNSPEC;
    fprintf(stderr, "resolve: unknown family %s\n", s);
    exit(2);
}

static int flags_of(const char *s)
{
    static const struct {
        const char *name;
        int flag;
    } table[] = {{"v4mapped", AI_V4MAPPED},
                 {"all", AI_ALL},
                 {"canonname", AI_CANONNAME},
                 {"addrconfig", AI_ADDRCONFIG},
                 {"numerichost", AI_NUMERICHOST}};
    int flags = 0;
    char copy[256];
    snprintf(copy, sizeof copy, "%s", s);
    for (char *tok = strtok(copy, ","); tok != NULL; tok = strtok(NULL, ",")) {
        size_t i = 0;
        while (i < sizeof table / sizeof table[0] && strcmp(tok, table[i].name) != 0)
            i++;
        if (i < sizeof table / sizeof table[0])
            flags |= table[i].flag;
        else if (strcmp(tok, "-") != 0) {
            fprintf(stderr, "resolve: unknown flag %s\n", tok);
            exit(2);
        }
    }
    return flags;
}

static const char *gai_name(int e)
{
    switch (e) {
    case EAI_NONAME:
        return "EAI_NONAME";
    case EAI_NODATA:
        return "EAI_NODATA";
    case EAI_AGAIN:
        return "EAI_AGAIN";
    case EAI_FAIL:
        return "EAI_FAIL";
    case EAI_FAMILY:
        return "EAI_FAMILY";
    case EAI_SYSTEM:
        return "EAI_SYSTEM";
    case EAI_ADDRFAMILY:
        return "EAI_ADDRFAMILY";
    }
    return "EAI_OTHER";
}

static const char *herr_name(int e)
{
    switch (e) {
    case HOST_NOT_FOUND:
        return "HOST_NOT_FOUND";
    case NO_DATA:
        return "NO_DATA";
    case TRY_AGAIN:
        return "TRY_AGAIN";
    case NO_RECOVERY:
        return "NO_RECOVERY";
    }
    return "NETDB_OTHER";
}

static int do_gai(const char *fam, const char *flags, const char *name)
{
    struct addrinfo hints = {
        .ai_family = family_of(fam), .ai_flags = flags_of(flags), .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int e = getaddrinfo(name, NULL, &hints, &res);
    if (e != 0) {
        printf("%s\n", gai_name(e));
        return 1;
    }
    const char *sep = "";
    for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
        char text[INET6_ADDRSTRLEN];
        const void *a = ai->ai_family == AF_INET
                            ? (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr
                            : (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
        inet_ntop(ai->ai_family, a, text, sizeof text);
        printf("%s%s", sep, text);
        sep = " ";
    }
    if (res->ai_canonname != NULL)
        printf(" canon=%s", res->ai_canonname);
    printf("\n");
    freeaddrinfo(res);
    return 0;
}

static int print_hostent(const struct hostent *h)
{
    if (h == NULL) {
        printf("%s\n", herr_name(h_errno));
        return 1;
    }
    for (char **a = h->h_addr_list; *a != NULL; a++) {
        char text[INET6_ADDRSTRLEN];
        inet_ntop(h->h_addrtype, *a, text, sizeof text);
        printf("%s%s", a == h->h_addr_list ? "" : " ", text);
    }
    printf(" name=%s\n", h->h_name);
    return 0;
}

int main(int argc, char **argv)
{
    int i = 1;
    if (argc > 2 && strcmp(argv[1], "-s") == 0) {
        if (__nss_configure_lookup("hosts", argv[2]) != 0) {
            fprintf(stderr, "resolve: __nss_configure_lookup failed\n");
            return 2;
        }
        i = 3;
    }
    if (argc - i == 4 && strcmp(argv[i], "gai") == 0)
        return do_gai(argv[i + 1], argv[i + 2], argv[i + 3]);
    if (argc - i == 2 && strcmp(argv[i], "ghbn") == 0)
        return print_hostent(gethostbyname(argv[i + 1]));
    if (argc - i == 3 && strcmp(argv[i], "ghbn2") == 0)
        return print_hostent(gethostbyname2(argv[i + 2], family_of(argv[i + 1])));
    fprintf(stderr, "usage: resolve [-s SERVICES] gai FAMILY FLAGS NAME | ghbn NAME | "
                    "ghbn2 FAMILY NAME\n");
    return 2;
}
