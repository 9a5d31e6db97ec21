/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "podip_conf.h"

#include <string.h>

static const struct podip_conf defaults = {
    .nzones = 1,
    .zones = {{.len = 17, .text = "pod.cluster.local"}},
    .relative = true,
    .detect_zones = true,
    .ttl = 5,
};

void podip_conf_defaults(struct podip_conf *conf)
{
    *conf = defaults;
}

/* Store DOMAIN lowercased, without a trailing dot, after PREFIX. */
static bool add_domain(struct podip_domain *table, unsigned *count, unsigned max,
                       const char *prefix, const char *domain, unsigned len)
{
    if (len > 0 && domain[len - 1] == '.')
        len--;
    size_t plen = strlen(prefix);
    if (len == 0 || len + plen > PODIP_NAME_MAX || *count >= max)
        return false;

    struct podip_domain d = {.len = (uint16_t)(plen + len)};
    memcpy(d.text, prefix, plen);
    unsigned label = 0;
    for (unsigned i = 0; i < len; i++) {
        unsigned char c = (unsigned char)domain[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (!ok || ++label > PODIP_LABEL_MAX) {
            return false;
        }
        d.text[plen + i] = (char)c;
    }
    if (label == 0)
        return false;
    for (unsigned i = 0; i < *count; i++)
        if (table[i].len == d.len && memcmp(table[i].text, d.text, d.len) == 0)
            return false;
    table[(*count)++] = d;
    return true;
}

bool podip_conf_add_zone(struct podip_conf *conf, const char *domain, unsigned len)
{
    return add_domain(conf->zones, &conf->nzones, PODIP_MAX_ZONES, "pod.", domain, len);
}

bool podip_conf_add_wildcard(struct podip_conf *conf, const char *domain, unsigned len)
{
    return add_domain(conf->wildcards, &conf->nwildcards, PODIP_MAX_WILDCARDS, "", domain,
                      len);
}

/* Until the configuration file is read (SPEC §6), the defaults are in force. */
const struct podip_conf *podip_conf_snapshot(void)
{
    return &defaults;
}
