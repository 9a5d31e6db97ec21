/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip inject (nss-podip(8), SPEC §8): Kubernetes manifests in, the
 * same manifests out with podip added to every pod template. */
#ifndef PODIP_INJECT_H
#define PODIP_INJECT_H

#include <stdbool.h>
#include <stddef.h>

struct podip_inject_options {
    const char *image;      /* the injector image */
    const char *config_map; /* the ConfigMap that holds nss-podip.conf, or NULL */
};

/* One input, whole: its name in messages, and its bytes. */
struct podip_inject_input {
    const char *name;
    char *text;
    size_t len;
};

#define PODIP_INJECT_ERROR_MAX 512

/* Read PATH ("-": standard input) into IN (free IN->text). On failure, ERROR
 * holds the line that says why, without the command's name. */
bool podip_inject_read(const char *path, struct podip_inject_input *in,
                       char error[PODIP_INJECT_ERROR_MAX]);

/* The N inputs with podip added, as one YAML stream: *OUT, *LEN bytes and a
 * NUL (free *OUT). On failure *OUT is NULL and ERROR holds the line that says
 * why. */
bool podip_inject(const struct podip_inject_options *options, const struct podip_inject_input *in,
                  size_t n, char **out, size_t *len, char error[PODIP_INJECT_ERROR_MAX]);

/* nss-podip inject [--image REF] [--config-map NAME] [FILE...], ARGV[0]
 * being "inject": its exit status. */
int podip_inject_command(int argc, char **argv);

#endif
