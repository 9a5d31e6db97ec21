/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPEC §1-§3 as a table, under the default configuration (zone
 * cluster.local, relative names on). Each row: the name, then what an IPv4
 * (A) and an IPv6 (AAAA) lookup answer: an address, or NODATA, NXDOMAIN,
 * PASS. The any-family lookup answers whichever column holds an address,
 * else the A column (SPEC §3). */
#ifndef TESTS_CASES_H
#define TESTS_CASES_H

#include "repeat.h" /* LONG63, LONG64 */

struct name_case {
    const char *name;
    const char *a;
    const char *aaaa;
};

static const struct name_case name_cases[] = {
    /* CoreDNS's own test cases */
    {"10-240-0-1.podns.pod.cluster.local.", "10.240.0.1", "NODATA"},
    {"blah.podns.pod.cluster.local.", "NXDOMAIN", "NXDOMAIN"},
    {"podns.pod.cluster.local.", "NODATA", "NODATA"},
    /* IPv4 labels (SPEC §2 rule 1) */
    {"10-42-2-46.default.pod.cluster.local", "10.42.2.46", "NODATA"},
    {"10-42-2-46.default.pod.cluster.local.", "10.42.2.46", "NODATA"},
    {"0-0-0-0.default.pod.cluster.local", "0.0.0.0", "NODATA"},
    {"255-255-255-255.default.pod.cluster.local", "255.255.255.255", "NODATA"},
    {"1-2-3-4.kube-system.pod.cluster.local", "1.2.3.4", "NODATA"},
    {"127-0-0-1.default.pod.cluster.local", "127.0.0.1", "NODATA"},
    {"10-0-0-256.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"010-0-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-00-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-01.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1-2.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"-10-0-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1-.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"0a000001.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1000.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"+10-0-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1a.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"1-2-3-4 .default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"*.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {" .default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-x.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    /* IPv6 labels (rule 2), and what is not one */
    {"fd00-10-244--5.default.pod.cluster.local", "NODATA", "fd00:10:244::5"},
    {"FD00-10-244--5.default.pod.cluster.local", "NODATA", "fd00:10:244::5"},
    {"10--0-1.default.pod.cluster.local", "NODATA", "10::1"},
    {"--1.default.pod.cluster.local", "NODATA", "::1"},
    {"--.default.pod.cluster.local", "NODATA", "::"},
    {"fe80--.default.pod.cluster.local", "NODATA", "fe80::"},
    {"2001-db8-0-0-0-0-0-1.default.pod.cluster.local", "NODATA", "2001:db8::1"},
    {"2001-db8-1-2-3-4-5--.default.pod.cluster.local", "NODATA", "2001:db8:1:2:3:4:5:0"},
    {"--2-3-4-5-6-7-8.default.pod.cluster.local", "NODATA", "0:2:3:4:5:6:7:8"},
    {"abcd-ef01-2345-6789-abcd-ef01-2345-6789.ns.pod.cluster.local", "NODATA",
     "abcd:ef01:2345:6789:abcd:ef01:2345:6789"},
    {"fd00---1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"fd00--1--2.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"12345--1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"1-2-3-4-5-6-7-8-9.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"1-2-3-4-5-6-7--8.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"1-2-3-4-5.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"fd00-.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"fd00--g.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"fe80--1%eth0.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"---.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"-.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    /* IPv4-mapped IPv6 counts as IPv4 (rule 3) */
    {"--ffff-a00-1.default.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"--FFFF-0A2A-022E.default.pod.cluster.local", "10.42.2.46", "NODATA"},
    {"0-0-0-0-0-ffff-a00-1.default.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"--a00-1.default.pod.cluster.local", "NODATA", "::10.0.0.1"},
    /* the namespace label (SPEC §1) */
    {"10-0-0-1.a.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"10-0-0-1.my-ns-2.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"10-0-0-1.Default.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"10-0-0-1." LONG63 ".pod.cluster.local", "10.0.0.1", "NODATA"},
    {"10-0-0-1." LONG64 ".pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1.-ns.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1.ns-.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1.my_ns.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1.ns*.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"10-0-0-1..pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"my_ns.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"default.pod.cluster.local", "NODATA", "NODATA"},
    {"pod.cluster.local", "NODATA", "NODATA"},
    {"pod.cluster.local.", "NODATA", "NODATA"},
    {"POD.Cluster.Local", "NODATA", "NODATA"},
    {".pod.cluster.local", "PASS", "PASS"},
    /* extra labels on the left: two are ignored, three are too many */
    {"_http._tcp.10-0-0-1.default.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"x.10-0-0-1.default.pod.cluster.local", "10.0.0.1", "NODATA"},
    {"x.y.fd00--1.default.pod.cluster.local", "NODATA", "fd00::1"},
    {"a.b.c.10-0-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"x..10-0-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {".10-0-0-1.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {"x.bad.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    /* case and dots */
    {"10-42-2-46.DEFAULT.POD.CLUSTER.LOCAL", "10.42.2.46", "NODATA"},
    {"10-42-2-46.default.Pod.Cluster.Local.", "10.42.2.46", "NODATA"},
    {"10-42-2-46.default.pod.cluster.local..", "PASS", "PASS"},
    {"10-42-2-46.default.pod.cluster.localx", "PASS", "PASS"},
    {"10-42-2-46.default.xpod.cluster.local", "PASS", "PASS"},
    /* relative names, completed with the zone (SPEC §1) */
    {"10-42-2-46.default.pod", "10.42.2.46", "NODATA"},
    {"10-42-2-46.default.POD", "10.42.2.46", "NODATA"},
    {"fd00--5.default.pod", "NODATA", "fd00::5"},
    {"_http._tcp.10-42-2-46.default.pod", "10.42.2.46", "NODATA"},
    {"bad.default.pod", "NXDOMAIN", "NXDOMAIN"},
    {"10-42-2-46.bad_ns.pod", "NXDOMAIN", "NXDOMAIN"},
    {"10-42-2-46.default.pod.", "PASS", "PASS"},
    {"default.pod", "PASS", "PASS"},
    {"pod", "PASS", "PASS"},
    {".pod", "PASS", "PASS"},
    /* length limits: 253 characters and 63-character labels */
    {LONG63 "." LONG63 "." LONG63 "." LONG63 ".10-1-2-3.default.pod.cluster.local", "NXDOMAIN",
     "NXDOMAIN"},
    {LONG63 "." LONG63 ".10-1-2-3." LONG63 ".pod.cluster.local", "10.1.2.3", "NODATA"},
    {LONG64 ".10-1-2-3.default.pod.cluster.local", "NXDOMAIN", "NXDOMAIN"},
    {LONG63 ".10-1-2-3.default.pod.cluster.local", "10.1.2.3", "NODATA"},
    {LONG63 "." LONG63 "." LONG63 "." LONG63 ".example.com", "PASS", "PASS"},
    {LONG64 ".example.com", "PASS", "PASS"},
    /* names that are not the module's */
    {"my-svc.default.svc.cluster.local", "PASS", "PASS"},
    {"10-42-2-46.my-svc.default.svc.cluster.local", "PASS", "PASS"},
    {"kubernetes.default.svc.cluster.local.", "PASS", "PASS"},
    {"cluster.local", "PASS", "PASS"},
    {"foo.cluster.local", "PASS", "PASS"},
    {"10-42-2-46.default.pod.example.com", "PASS", "PASS"},
    {"example.com", "PASS", "PASS"},
    {"example.com.", "PASS", "PASS"},
    {"localhost", "PASS", "PASS"},
    {"10.42.2.46", "PASS", "PASS"},
    {"10-42-2-46", "PASS", "PASS"},
    {"::1", "PASS", "PASS"},
    {"", "PASS", "PASS"},
    {".", "PASS", "PASS"},
    {"..", "PASS", "PASS"},
    /* a backslash: glibc's dns source reads \DDD and \. as escapes, so only
     * DNS can answer as CoreDNS does (SPEC §1) */
    {"x.\\045-ffff-a00-1.kube-system.pod.cluster.local", "PASS", "PASS"},
    {"_http._tcp\\.10-0-0-1.default.pod.cluster.local", "PASS", "PASS"},
    {"10-0-0-1.default.pod.cluster.local\\", "PASS", "PASS"},
    {"10-0-0-1.def\\ault.pod.cluster.local", "PASS", "PASS"},
    {"10-0-0-1\\.default.pod", "PASS", "PASS"},
};

#endif
