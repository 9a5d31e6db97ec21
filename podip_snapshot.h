/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration in force for this process, for one lookup. */
#ifndef PODIP_SNAPSHOT_H
#define PODIP_SNAPSHOT_H

#include <stdint.h>

#include "podip_name.h"

/* Classify NAME (podip_classify) under the snapshot in force, and set *TTL
 * to its ttl. The configuration files are looked at when a second has
 * passed since the last look, by one thread while the others go on; only
 * the first lookups of a process wait for the first look. Otherwise this
 * costs time(NULL) (the vDSO: no system call) and a few loads, and takes no
 * lock. */
enum podip_kind podip_snapshot_classify(const char *name, struct podip_outcome *out, uint32_t *ttl);

#endif
