/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The classifier against SPEC §1-§3, and the configuration it obeys (§6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <cmocka.h>

#include "../podip_snapshot.h"
#include "cases.h"
#include "expect.h"

/* Check NAME's outcome under CONF against the A and AAAA columns. */
static void check(const struct podip_conf *conf, const char *name, const char *a, const char *aaaa)
{
    struct podip_outcome o;
    char t4[INET6_ADDRSTRLEN], t6[INET6_ADDRSTRLEN];
    enum podip_kind kind = podip_classify(name, conf, &o);
    assert_int_equal(kind, o.kind);
    const char *got4 = outcome_text(&o, AF_INET, t4), *got6 = outcome_text(&o, AF_INET6, t6);
    if (strcmp(got4, a) != 0 || strcmp(got6, aaaa) != 0)
        fail_msg("%s: want %s and %s, got %s and %s", name, a, aaaa, got4, got6);
    size_t len = strlen(name);
    assert_int_equal(o.namelen, len > 0 && name[len - 1] == '.' ? len - 1 : len);
}

static void test_spec_table(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++)
        check(&conf, name_cases[i].name, name_cases[i].a, name_cases[i].aaaa);
}

/* The build's own configuration files (tests/etc, absent): the defaults. */
static void test_snapshot_is_defaults(void **state)
{
    (void)state;
    struct podip_outcome o;
    uint32_t ttl = 0;
    assert_int_equal(podip_snapshot_classify("10-42-2-46.default.pod.cluster.local", &o, &ttl),
                     PODIP_ADDRESS);
    assert_int_equal(ttl, 5);
}

static void add_zone(struct podip_conf *conf, const char *zone)
{
    assert_true(podip_conf_add_zone(conf, zone, strlen(zone)));
}

static void test_zones(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    add_zone(&conf, "K8s.Example.COM.");
    static const struct name_case rows[] = {
        {"10-1-2-3.default.pod.k8s.example.com", "10.1.2.3", "NODATA"},
        {"10-1-2-3.default.pod.cluster.local", "10.1.2.3", "NODATA"},
        {"pod.k8s.example.com", "NODATA", "NODATA"},
        {"bad.default.pod.k8s.example.com.", "NXDOMAIN", "NXDOMAIN"},
        {"10-1-2-3.default.pod.example.com", "PASS", "PASS"},
        {"10-1-2-3.default.pod", "10.1.2.3", "NODATA"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check(&conf, rows[i].name, rows[i].a, rows[i].aaaa);
    /* duplicates, empty labels and bad bytes are refused */
    assert_false(podip_conf_add_zone(&conf, "k8s.example.com", 15));
    assert_false(podip_conf_add_zone(&conf, "a..b", 4));
    assert_false(podip_conf_add_zone(&conf, "", 0));
    assert_false(podip_conf_add_zone(&conf, "a b", 3));
}

/* Zones inside each other: a name is in the longest zone it is in, as
 * CoreDNS picks the zone, whatever their order (SPEC §1), and is a pod name
 * only under pod. of that zone. Only a zone inside another's pod subtree
 * can take names from it: the rows of the zones under pod.cluster.local. */
static void test_nested_zones(void **state)
{
    (void)state;
    static const struct {
        const char *inner; /* a zone inside cluster.local */
        struct name_case row;
    } rows[] = {
        {"k8s.cluster.local", {"10-1-2-3.default.pod.k8s.cluster.local", "10.1.2.3", "NODATA"}},
        {"k8s.cluster.local", {"10-1-2-3.default.pod.cluster.local", "10.1.2.3", "NODATA"}},
        {"k8s.cluster.local", {"10-1-2-3.k8s.pod.cluster.local", "10.1.2.3", "NODATA"}},
        {"k8s.cluster.local", {"pod.k8s.cluster.local", "NODATA", "NODATA"}},
        {"k8s.cluster.local", {"x.default.pod.k8s.cluster.local", "NXDOMAIN", "NXDOMAIN"}},
        {"k8s.cluster.local", {"k8s.cluster.local", "PASS", "PASS"}},
        /* every name under pod.cluster.local is in that zone */
        {"pod.cluster.local", {"10-1-2-3.default.pod.pod.cluster.local", "10.1.2.3", "NODATA"}},
        {"pod.cluster.local", {"default.pod.pod.cluster.local", "NODATA", "NODATA"}},
        {"pod.cluster.local", {"fd00--1.default.pod.pod.cluster.local.", "NODATA", "fd00::1"}},
        {"pod.cluster.local", {"10-1-2-3.default.pod.cluster.local", "PASS", "PASS"}},
        {"pod.cluster.local", {"pod.cluster.local", "PASS", "PASS"}},
        {"pod.cluster.local", {"10-1-2-3.default.svc.cluster.local", "PASS", "PASS"}},
        {"ns.pod.cluster.local", {"10-1-2-3.a.pod.ns.pod.cluster.local", "10.1.2.3", "NODATA"}},
        {"ns.pod.cluster.local", {"10-1-2-3.ns.pod.cluster.local", "PASS", "PASS"}},
        {"ns.pod.cluster.local", {"10-1-2-3.other.pod.cluster.local", "10.1.2.3", "NODATA"}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        for (int inner_first = 0; inner_first < 2; inner_first++) {
            struct podip_conf conf;
            podip_conf_defaults(&conf); /* cluster.local */
            if (inner_first)
                conf.nzones = 0;
            add_zone(&conf, rows[i].inner);
            if (inner_first)
                add_zone(&conf, "cluster.local");
            check(&conf, rows[i].row.name, rows[i].row.a, rows[i].row.aaaa);
        }
    }
}

static void test_long_zone(void **state)
{
    (void)state;
    /* a zone long enough that a four-label pod name passes 253 characters */
    struct podip_conf conf = {.relative = true, .ttl = 5};
    const char *zone = LONG63 "." LONG63 "." LONG63 ".zone";
    add_zone(&conf, zone);
    char name[400];
    snprintf(name, sizeof name, "10-1-2-3.default.pod.%s", zone);
    struct podip_outcome o;
    assert_int_equal(podip_classify(name, &conf, &o), PODIP_ADDRESS);
    snprintf(name, sizeof name, "%s.10-1-2-3.default.pod.%s", LONG63, zone);
    assert_int_equal(podip_classify(name, &conf, &o), PODIP_NXDOMAIN);
    assert_int_equal(o.why, PODIP_WHY_NAME_TOO_LONG);
    /* the relative form is judged by its completed length */
    snprintf(name, sizeof name, "%s.10-1-2-3.default.pod", LONG63);
    assert_int_equal(podip_classify(name, &conf, &o), PODIP_NXDOMAIN);
    assert_int_equal(o.why, PODIP_WHY_NAME_TOO_LONG);
    snprintf(name, sizeof name, "%s.10-1-2-3.default.pod.example.com",
             LONG63 "." LONG63 "." LONG63);
    assert_int_equal(podip_classify(name, &conf, &o), PODIP_PASS);
}

static void test_relative_off(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    conf.relative = false;
    check(&conf, "10-42-2-46.default.pod", "PASS", "PASS");
    check(&conf, "10-42-2-46.default.pod.cluster.local", "10.42.2.46", "NODATA");
}

static void test_namespaces(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    conf.nnamespaces = 2;
    conf.namespaces[0].len = 7;
    memcpy(conf.namespaces[0].text, "default", 8);
    conf.namespaces[1].len = 3;
    memcpy(conf.namespaces[1].text, "app", 4);
    check(&conf, "10-0-0-1.default.pod.cluster.local", "10.0.0.1", "NODATA");
    check(&conf, "10-0-0-1.APP.pod.cluster.local", "10.0.0.1", "NODATA");
    check(&conf, "10-0-0-1.other.pod.cluster.local", "NXDOMAIN", "NXDOMAIN");
    check(&conf, "other.pod.cluster.local", "NXDOMAIN", "NXDOMAIN");
    check(&conf, "app.pod.cluster.local", "NODATA", "NODATA");
    check(&conf, "10-0-0-1.other.pod", "NXDOMAIN", "NXDOMAIN");
}

static void test_allow(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    conf.nallow = 2;
    conf.allow[0] = (struct podip_cidr){.family = AF_INET, .prefix = 16, .addr = {10, 42}};
    conf.allow[1] = (struct podip_cidr){
        .family = AF_INET6, .prefix = 52, .addr = {0xfd, 0, 0, 0x10, 0x02, 0x44, 0x10}};
    check(&conf, "10-42-2-46.default.pod.cluster.local", "10.42.2.46", "NODATA");
    check(&conf, "10-43-2-46.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN");
    check(&conf, "1-1-1-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN");
    check(&conf, "--ffff-a2a-1.default.pod.cluster.local", "10.42.0.1", "NODATA");
    check(&conf, "fd00-10-244-1000--5.default.pod.cluster.local", "NODATA", "fd00:10:244:1000::5");
    check(&conf, "fd00-10-244-1fff--5.default.pod.cluster.local", "NODATA", "fd00:10:244:1fff::5");
    check(&conf, "fd00-10-244-2000--5.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN");
    check(&conf, "default.pod.cluster.local", "NODATA", "NODATA");
}

static void test_wildcard(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    assert_true(podip_conf_add_wildcard(&conf, "nip.io", 6));
    static const struct name_case rows[] = {
        {"app.10-0-0-1.nip.io", "10.0.0.1", "NODATA"},
        {"10-0-0-1.nip.io", "10.0.0.1", "NODATA"},
        {"10.0.0.1.nip.io", "10.0.0.1", "NODATA"},
        {"app.10.0.0.1.nip.io.", "10.0.0.1", "NODATA"},
        {"a.b.c.10.0.0.1.NIP.IO", "10.0.0.1", "NODATA"},
        {"fd00--1.nip.io", "NODATA", "fd00::1"},
        {"www.nip.io", "PASS", "PASS"},
        {"nip.io", "PASS", "PASS"},
        {"10.0.0.256.nip.io", "PASS", "PASS"},
        {"0.0.1.nip.io", "PASS", "PASS"},
        {"10-0-0-1.nip.io.example.com", "PASS", "PASS"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check(&conf, rows[i].name, rows[i].a, rows[i].aaaa);
}

/* What an explanation needs (nss-podip explain): the labels read, the zone
 * or wildcard domain, the family a bad label was read as, IPv4-mapped. */
static void test_outcome_fields(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    add_zone(&conf, "k8s.test");
    assert_true(podip_conf_add_wildcard(&conf, "nip.io", 6));
    static const struct {
        const char *name;
        enum podip_why why;
        int family, zone, wildcard;
        bool mapped;
        const char *labels; /* right to left, '|' between */
    } rows[] = {
        {"_a.b.10-0-0-1.default.pod.cluster.local", PODIP_WHY_POD, AF_INET, 0, -1, false,
         "default|10-0-0-1|b|_a"},
        {"0-0-0-0-0-ffff-a00-1.ns.pod.k8s.test.", PODIP_WHY_POD, AF_INET, 1, -1, true,
         "ns|0-0-0-0-0-ffff-a00-1"},
        {"--ffff-a00-1.ns.pod", PODIP_WHY_POD, AF_INET, 0, -1, true, "ns|--ffff-a00-1"},
        {"010-0-0-1.ns.pod.cluster.local", PODIP_WHY_BAD_ADDRESS, AF_INET, 0, -1, false,
         "ns|010-0-0-1"},
        {"10-0-0.ns.pod.cluster.local", PODIP_WHY_BAD_ADDRESS, AF_INET6, 0, -1, false, "ns|10-0-0"},
        {"1-2.my_ns.pod.cluster.local", PODIP_WHY_BAD_NAMESPACE, 0, 0, -1, false, "my_ns|1-2"},
        {"ns.pod.k8s.test", PODIP_WHY_POD_ZONE, 0, 1, -1, false, "ns"},
        {"app.--ffff-a00-1.nip.io", PODIP_WHY_WILDCARD, AF_INET, -1, 0, true, ""},
        {"10-0-0-1.default.svc.cluster.local", PODIP_WHY_NOT_OURS, 0, -1, -1, false, ""},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct podip_outcome o;
        podip_classify(rows[i].name, &conf, &o);
        char labels[300] = "";
        for (unsigned l = 0; l < o.nlabels; l++)
            snprintf(labels + strlen(labels), sizeof labels - strlen(labels), "%s%.*s",
                     l ? "|" : "", o.label[l].len, rows[i].name + o.label[l].at);
        if (o.why != rows[i].why || (rows[i].family && o.family != rows[i].family) ||
            o.zone != rows[i].zone || o.wildcard != rows[i].wildcard ||
            o.mapped != rows[i].mapped || strcmp(labels, rows[i].labels) != 0)
            fail_msg("%s: got why %d family %d zone %d wildcard %d mapped %d labels %s",
                     rows[i].name, o.why, o.family, o.zone, o.wildcard, o.mapped, labels);
    }
    assert_true(podip_namespace_valid("a", 1));
    assert_false(podip_namespace_valid("", 0));
    assert_true(podip_namespace_valid(LONG63, 63));
    assert_false(podip_namespace_valid(LONG64, 64));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_table), cmocka_unit_test(test_snapshot_is_defaults),
        cmocka_unit_test(test_zones),      cmocka_unit_test(test_nested_zones),
        cmocka_unit_test(test_long_zone),  cmocka_unit_test(test_relative_off),
        cmocka_unit_test(test_namespaces), cmocka_unit_test(test_allow),
        cmocka_unit_test(test_wildcard),   cmocka_unit_test(test_outcome_fields),
    };
    return cmocka_run_group_tests_name("classifier", tests, NULL, NULL);
}
