/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* One side of fuzz/differential.c: a tree's parser and classifier, compiled
 * against that tree's headers (-I TREE), its outcome in neutral words. */
#include <string.h>
#include <sys/socket.h>

#include "differential.h"
#include "podip_name.h"

static struct podip_conf confs[DIFF_CONFS];

void side_setup(const char *const texts[DIFF_CONFS])
{
    for (unsigned c = 0; c < DIFF_CONFS; c++) {
        podip_conf_defaults(&confs[c]);
        podip_conf_parse(&confs[c], PODIP_SYNTAX_CONF, texts[c], strlen(texts[c]), NULL, NULL);
    }
}

void side_classify(const char *name, unsigned c, struct diff_outcome *r)
{
    struct podip_outcome o;
    podip_classify(name, &confs[c], &o);
    memset(r, 0, sizeof *r);
    r->kind = o.kind;
    r->why = o.why;
    r->namelen = o.namelen;
    r->relative = o.relative;
    if (o.kind == PODIP_ADDRESS) {
        r->family = o.family;
        memcpy(r->addr, o.addr, o.family == AF_INET ? 4 : 16);
    }
#ifdef PODIP_LEX_H
    /* a tree with podip_lex.h (each rule in one home) keeps zones and
     * wildcard domains apart, and has two reasons for passing a name on
     * that an older one calls "no pod name" */
    r->zone = o.zone >= 0 ? o.zone : o.wildcard;
    if (o.kind == PODIP_PASS &&
        (o.why == PODIP_WHY_NAME_TOO_LONG || o.why == PODIP_WHY_RELATIVE_OFF))
        r->why = PODIP_WHY_NOT_OURS;
#else
    r->zone = o.zone;
#endif
}
