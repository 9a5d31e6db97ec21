/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hosts line of nsswitch.conf (SPEC §5): where it is, what glibc makes
 * of it, and the file with podip placed on it. Text in, text out: no I/O.
 * The command's `status` judges the line, `setup` writes it (SPEC §8). */
#ifndef PODIP_NSSWITCH_H
#define PODIP_NSSWITCH_H

#include <stdbool.h>
#include <stddef.h>

/* glibc's hosts line for a file that has none */
#define PODIP_HOSTS_DEFAULT "dns [!UNAVAIL=return] files"
/* what setup adds, as debian/libnss-podip.nss adds it */
#define PODIP_HOSTS_ENTRY "podip [NOTFOUND=return]"
#define PODIP_HOSTS_LINE "hosts: files " PODIP_HOSTS_ENTRY " dns"

/* The first hosts line of the LEN bytes at TEXT: its services, from *AT
 * for *N bytes (no comment, no blanks around). Returns how many hosts
 * lines there are: glibc reads only the first. */
unsigned podip_hosts_find(const char *text, size_t len, size_t *at, size_t *n);

/* What a hosts line does for podip (the services of podip_hosts_find). */
struct podip_hosts_verdict {
    bool named;            /* podip is on the line */
    const char *ahead;     /* "dns" or "resolve" when it stands before podip, else NULL */
    bool ahead_returns;    /* ... and returns unless unavailable: podip is never asked */
    bool notfound_goes_on; /* podip lacks [NOTFOUND=return]: its NXDOMAIN goes to DNS */
    bool unavail_returns;  /* podip returns on UNAVAIL: other names never reach DNS */
};

struct podip_hosts_verdict podip_hosts_judge(const char *services, size_t n);

/* Whether the verdict is SPEC §5's: podip asked before DNS, its NOTFOUND final,
 * other names passed on. */
bool podip_hosts_sound(const struct podip_hosts_verdict *v);

/* The LEN bytes of nsswitch.conf at TEXT (none: LEN 0) with podip placed on
 * the hosts line as SPEC §5 places it: PODIP_HOSTS_ENTRY before the first
 * `resolve` or `dns`, else at the end; a line that names podip already is
 * kept as it is; a file without a hosts line gets glibc's default with
 * podip first. Every other byte is kept. Writes at most SIZE bytes to OUT
 * and returns the length of the result (more than SIZE: it did not fit). */
size_t podip_hosts_place(const char *text, size_t len, char *out, size_t size);

#endif
