/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The configuration parser and file reader (SPEC §6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../podip_watch.h"
#include "expect.h"

/* The problems a parse reported, as "LINE: REASON" lines. */
struct problems {
    unsigned count;
    char text[4096];
};

static void collect(void *ctx, unsigned line, const char *reason, const char *text, size_t len)
{
    struct problems *p = ctx;
    (void)text;
    assert_true(len <= PODIP_LINE_MAX);
    size_t used = strlen(p->text);
    snprintf(p->text + used, sizeof p->text - used, "%u: %s\n", line, reason);
    p->count++;
}

static void parse(struct podip_conf *conf, const char *text, struct problems *p)
{
    memset(p, 0, sizeof *p);
    podip_conf_defaults(conf);
    podip_conf_parse(conf, PODIP_SYNTAX_CONF, text, strlen(text), collect, p);
}

/* One file, the outcome of one name under it, and the problems reported. */
static const struct {
    const char *file;
    const char *name;
    const char *want;
    const char *problems;
} rows[] = {
    {"", "10-1-2-3.default.pod.cluster.local", "10.1.2.3", ""},
    {"# only a comment\n\n   \t\n", "10-1-2-3.default.pod", "10.1.2.3", ""},
    /* zone: the first valid line replaces the default */
    {"zone k8s.example.com\n", "10-1-2-3.default.pod.k8s.example.com", "10.1.2.3", ""},
    {"zone k8s.example.com\n", "10-1-2-3.default.pod.cluster.local", "PASS", ""},
    {"zone K8S.Example.com.\nzone cluster.local\n", "10-1-2-3.default.pod.cluster.local",
     "10.1.2.3", ""},
    {"zone a..b\n", "10-1-2-3.default.pod.cluster.local", "10.1.2.3",
     "1: zone: not a domain name\n"},
    {"zone x\nzone x # again\n", "10-1-2-3.default.pod.x", "10.1.2.3", "2: zone: already listed\n"},
    {"zone\n", "10-1-2-3.default.pod.cluster.local", "10.1.2.3", "1: zone: missing the DOMAIN\n"},
    {"zone a b\n", "10-1-2-3.default.pod.a", "PASS",
     "1: one value a line, then nothing but a # comment\n"},
    {"zone a#comment\n", "10-1-2-3.default.pod.a", "10.1.2.3", ""},
    {"zone a\r\n", "10-1-2-3.default.pod.a", "10.1.2.3", ""},
    {"Zone a\n", "10-1-2-3.default.pod.a", "PASS", "1: unknown directive\n"},
    /* relative */
    {"relative no\n", "10-1-2-3.default.pod", "PASS", ""},
    {"relative maybe\n", "10-1-2-3.default.pod", "10.1.2.3", "1: relative: expected yes or no\n"},
    /* namespace */
    {"namespace default\nnamespace Kube-System\n", "10-1-2-3.kube-system.pod.cluster.local",
     "10.1.2.3", ""},
    {"namespace default\n", "10-1-2-3.other.pod.cluster.local", "NXDOMAIN", ""},
    {"namespace -bad\nnamespace default\n", "10-1-2-3.default.pod.cluster.local", "10.1.2.3",
     "1: namespace: not a name Kubernetes could create (1-63 letters, digits or '-', starting "
     "and ending with a letter or digit)\n"},
    /* allow */
    {"allow 10.42.0.0/16\nallow fd00:10:244::/48\n", "10-42-2-46.default.pod.cluster.local",
     "10.42.2.46", ""},
    {"allow 10.42.0.0/16\nallow fd00:10:244::/48\n", "1-1-1-1.default.pod.cluster.local",
     "NXDOMAIN", ""},
    {"allow 10.42.0.0/16\nallow fd00:10:244::/48\n", "fd00-10-244--5.default.pod.cluster.local",
     "fd00:10:244::5", ""},
    {"allow 10.42.0.0/16\nallow fd00:10:244::/48\n", "fd00-10-245--5.default.pod.cluster.local",
     "NXDOMAIN", ""},
    {"allow 10.42.9.9/16\n", "10-42-1-1.default.pod.cluster.local", "10.42.1.1", ""},
    {"allow 10.0.0.1\n", "10-0-0-2.default.pod.cluster.local", "NXDOMAIN", ""},
    {"allow 10.0.0.0/33\n", "1-1-1-1.default.pod.cluster.local", "1.1.1.1",
     "1: allow: an IPv4 prefix length is 0 to 32\n"},
    {"allow fd00::/129\nallow 10.0.0.0/\nallow 10.0.0/8\nallow 010.0.0.0/8\nallow 10.0.0.0/-8\n",
     "1-1-1-1.default.pod.cluster.local", "1.1.1.1",
     "1: allow: an IPv6 prefix length is 0 to 128\n"
     "2: allow: not an address range such as 10.42.0.0/16 or fd00::/48\n"
     "3: allow: not an address range such as 10.42.0.0/16 or fd00::/48\n"
     "4: allow: not an address range such as 10.42.0.0/16 or fd00::/48\n"
     "5: allow: not an address range such as 10.42.0.0/16 or fd00::/48\n"},
    {"allow 0.0.0.0/0\n", "1-1-1-1.default.pod.cluster.local", "1.1.1.1", ""},
    /* ttl: checked in test_ttl; wildcard */
    {"wildcard nip.io\n", "app.10-0-0-1.nip.io", "10.0.0.1", ""},
    {"wildcard nip.io\n", "10.0.0.1.nip.io", "10.0.0.1", ""},
    {"wildcard nip.io\n", "app.10.0.0.1.nip.io", "10.0.0.1", ""},
    {"wildcard nip.io\n", "www.nip.io", "PASS", ""},
    {"wildcard nip io\n", "10.0.0.1.nip.io", "PASS",
     "1: one value a line, then nothing but a # comment\n"},
    /* detect-zones is applied by podip_state_check; only its syntax here */
    {"detect-zones no\ndetect-zones perhaps\n", "pod.cluster.local", "NODATA",
     "2: detect-zones: expected yes or no\n"},
    /* junk leaves the lines that parse */
    {"zone a\n\x01\x02\xff\nttl\n\xff\xfe zone b\nzone c\n", "10-1-2-3.default.pod.c", "10.1.2.3",
     "2: a control character or NUL byte in the line (not a text file?)\n"
     "3: ttl: missing the SECONDS\n"
     "4: unknown directive\n"},
    {"zone a", "10-1-2-3.default.pod.a", "10.1.2.3", ""},
};

static void test_rows(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct podip_conf conf;
        struct problems p;
        parse(&conf, rows[i].file, &p);
        const char *got = classify_text(&conf, rows[i].name);
        if (strcmp(got, rows[i].want) != 0 || strcmp(p.text, rows[i].problems) != 0)
            fail_msg("file \"%s\", name %s: got %s and problems\n%s\nwant %s and\n%s", rows[i].file,
                     rows[i].name, got, p.text, rows[i].want, rows[i].problems);
    }
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char text[] = "zone a\0b\nzone c\n";
    struct podip_conf conf;
    struct problems p = {0};
    podip_conf_defaults(&conf);
    podip_conf_parse(&conf, PODIP_SYNTAX_CONF, text, sizeof text - 1, collect, &p);
    assert_string_equal(p.text,
                        "1: a control character or NUL byte in the line (not a text file?)\n");
    assert_int_equal(conf.nzones, 1);
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod.c"), "10.1.2.3");
}

static void test_ttl(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        uint32_t ttl;
        unsigned problems;
    } cases[] = {
        {"", 5, 0},
        {"ttl 0\n", 0, 0},
        {"ttl 3600\n", 3600, 0},
        {"ttl 3601\n", 5, 1},
        {"ttl -1\n", 5, 1},
        {"ttl 1e3\n", 5, 1},
        {"ttl 30\nttl 60\n", 60, 0},
        {"ttl 99999999999\n", 5, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct podip_conf conf;
        struct problems p;
        parse(&conf, cases[i].file, &p);
        assert_int_equal(conf.ttl, cases[i].ttl);
        assert_int_equal(p.count, cases[i].problems);
    }
}

/* Fed a byte at a time or all at once, the parse is the same. */
static void test_chunks(void **state)
{
    (void)state;
    static const char text[] = "zone a.example\nallow 10.0.0.0/8 # pods\nnamespace default\n"
                               "ttl 7\nbad\nwildcard nip.io\nrelative no";
    struct podip_conf whole, bytewise;
    struct problems p1 = {0}, p2 = {0};
    podip_conf_defaults(&whole);
    podip_conf_parse(&whole, PODIP_SYNTAX_CONF, text, sizeof text - 1, collect, &p1);
    static struct podip_parser parser;
    podip_conf_defaults(&bytewise);
    podip_parser_init(&parser, &bytewise, PODIP_SYNTAX_CONF, collect, &p2);
    for (size_t i = 0; i < sizeof text - 1; i++)
        podip_parser_feed(&parser, text + i, 1);
    podip_parser_end(&parser);
    assert_memory_equal(&whole, &bytewise, sizeof whole);
    assert_string_equal(p1.text, "5: unknown directive\n");
    assert_string_equal(p2.text, p1.text);
    assert_int_equal(whole.ttl, 7);
    assert_false(whole.relative);
}

/* A 10 MB line is skipped, fed through a small buffer; the lines around it
 * apply. A long comment is no problem. */
static void test_long_line(void **state)
{
    (void)state;
    size_t big = 10u << 20;
    char *junk = malloc(big);
    assert_non_null(junk);
    memset(junk, 'x', big);
    static struct podip_parser parser;
    struct podip_conf conf;
    struct problems p = {0};
    podip_conf_defaults(&conf);
    podip_parser_init(&parser, &conf, PODIP_SYNTAX_CONF, collect, &p);
    static const char head[] = "zone a\n# ";
    podip_parser_feed(&parser, head, sizeof head - 1);
    for (size_t at = 0; at < big; at += 4096)
        podip_parser_feed(&parser, junk + at, 4096);
    podip_parser_feed(&parser, "\nzone ", 6);
    podip_parser_feed(&parser, junk, big);
    static const char tail[] = "\nzone b\n";
    podip_parser_feed(&parser, tail, sizeof tail - 1);
    podip_parser_end(&parser);
    free(junk);
    assert_string_equal(p.text, "3: line longer than 1024 bytes\n");
    assert_int_equal(conf.nzones, 2);
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod.b"), "10.1.2.3");

    /* 1024 bytes fit, 1025 do not */
    char line[1100];
    memset(line, ' ', sizeof line);
    memcpy(line, "zone a", 6);
    line[1024] = '\n';
    parse(&conf, "", &p);
    podip_conf_parse(&conf, PODIP_SYNTAX_CONF, line, 1025, collect, &p);
    assert_int_equal(p.count, 0);
    line[1024] = ' ';
    line[1025] = '\n';
    podip_conf_parse(&conf, PODIP_SYNTAX_CONF, line, 1026, collect, &p);
    assert_int_equal(p.count, 1);
}

/* One line past each table's size is refused, and the table stays full. */
static void test_limits(void **state)
{
    (void)state;
    static const struct {
        const char *format; /* a line, from its number */
        unsigned max;
        size_t count; /* where the parse leaves the count */
        const char *problem;
    } tables[] = {
        {"zone z%u\n", PODIP_MAX_ZONES, offsetof(struct podip_conf, nzones),
         "17: zone: more than 16 zones\n"},
        {"namespace n%u\n", PODIP_MAX_NAMESPACES, offsetof(struct podip_conf, nnamespaces),
         "65: namespace: more than 64 namespaces\n"},
        {"allow 10.%u.0.0/16\n", PODIP_MAX_ALLOW, offsetof(struct podip_conf, nallow),
         "65: allow: more than 64 ranges\n"},
        {"wildcard w%u.test\n", PODIP_MAX_WILDCARDS, offsetof(struct podip_conf, nwildcards),
         "17: wildcard: more than 16 wildcard domains\n"},
    };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        char text[8192] = "";
        for (unsigned i = 0; i < tables[t].max + 1; i++)
            snprintf(text + strlen(text), sizeof text - strlen(text), tables[t].format, i);
        struct podip_conf conf;
        struct problems p;
        parse(&conf, text, &p);
        unsigned count;
        memcpy(&count, (const char *)&conf + tables[t].count, sizeof count);
        assert_int_equal(count, tables[t].max);
        assert_string_equal(p.text, tables[t].problem);
    }
}

static void resolv(struct podip_conf *conf, const char *text)
{
    podip_conf_defaults(conf);
    podip_conf_parse(conf, PODIP_SYNTAX_RESOLV, text, strlen(text), NULL, NULL);
}

static void test_resolv(void **state)
{
    (void)state;
    struct podip_conf conf;
    resolv(&conf, "nameserver 10.96.0.10\n"
                  "search default.svc.k8s.example.com svc.k8s.example.com k8s.example.com\n"
                  "options ndots:5\n");
    assert_int_equal(conf.nzones, 2);
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod.k8s.example.com"), "10.1.2.3");
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod.cluster.local"), "10.1.2.3");
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod"), "10.1.2.3");

    /* the last search or domain line wins, as in glibc */
    resolv(&conf, "search svc.a.test\nsearch b.test SVC.c.test.\n");
    assert_int_equal(conf.nzones, 2);
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod.c.test"), "10.1.2.3");
    assert_string_equal(classify_text(&conf, "10-1-2-3.default.pod.a.test"), "PASS");
    resolv(&conf, "search svc.a.test\ndomain example.com\n");
    assert_int_equal(conf.nzones, 1);
    /* comments, and entries that only look alike */
    resolv(&conf, "# search svc.a.test\n; search svc.b.test\n"
                  "search svc x.svc y.z.svc.no.test svcx.d.test svc..e.test svc.cluster.local\n");
    assert_int_equal(conf.nzones, 1);
}

static void test_add(void **state)
{
    (void)state;
    struct podip_conf conf;
    podip_conf_defaults(&conf);
    assert_true(podip_conf_add_zone(&conf, "a.test", 6));
    assert_false(podip_conf_add_zone(&conf, "A.TEST.", 7));
    assert_true(podip_conf_add_wildcard(&conf, "sslip.io", 8));
    assert_false(podip_conf_add_wildcard(&conf, "sslip..io", 9));
}

/* podip_read_file refuses what the module must not trust or block on. The
 * file's owner is this test's user, so that it runs the same as root or not:
 * the module asks for root (0). */
static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_conf.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64], fifo[64];
    snprintf(path, sizeof path, "%s/conf", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);

    static struct podip_parser parser;
    static char chunk[7]; /* small, so reads come in pieces */
    struct podip_conf conf;
    struct podip_stamp stamp;
    int err;
    uid_t me = geteuid(), other = me + 1;
#define READ(p, owner)                                                                             \
    (podip_conf_defaults(&conf), podip_parser_init(&parser, &conf, PODIP_SYNTAX_CONF, NULL, NULL), \
     podip_read_file(p, owner, &parser, chunk, sizeof chunk, &stamp, &err))

    assert_int_equal(READ(path, me), PODIP_FILE_ABSENT);
    assert_int_equal(READ("/nonexistent/dir/x", me), PODIP_FILE_ABSENT);
    assert_int_equal(READ(dir, me), PODIP_FILE_NOT_REGULAR);
    assert_int_equal(mkfifo(fifo, 0644), 0);
    assert_int_equal(READ(fifo, me), PODIP_FILE_NOT_REGULAR); /* and did not block */
    assert_int_equal(READ("/dev/null", PODIP_ANY_OWNER),
                     PODIP_FILE_NOT_REGULAR); /* judged once open */

    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("zone read.test\nttl 9\n", f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(READ(path, me), PODIP_FILE_READ);
    assert_int_equal(conf.ttl, 9);
    assert_int_equal(stamp.size, 21);
    assert_int_equal(stamp.uid, me);
    assert_int_equal(READ(path, other), PODIP_FILE_NOT_OWNER);
    assert_int_equal(chmod(path, 0664), 0);
    assert_int_equal(READ(path, me), PODIP_FILE_WRITABLE);
    assert_int_equal(chmod(path, 0646), 0);
    assert_int_equal(READ(path, me), PODIP_FILE_WRITABLE);
    /* resolv.conf is read whoever owns it, and whoever can write it */
    assert_int_equal(READ(path, PODIP_ANY_OWNER), PODIP_FILE_READ);
    assert_int_equal(conf.ttl, 9);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(truncate(path, ((off_t)PODIP_FILE_MAX_MIB << 20) + 1), 0);
    assert_int_equal(READ(path, me), PODIP_FILE_TOO_BIG);
#undef READ
    unlink(path);
    unlink(fifo);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),      cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_ttl),       cmocka_unit_test(test_chunks),
        cmocka_unit_test(test_long_line), cmocka_unit_test(test_limits),
        cmocka_unit_test(test_resolv),    cmocka_unit_test(test_add),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests_name("configuration", tests, NULL, NULL);
}
