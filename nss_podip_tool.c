/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip: check the configuration, explain how names are answered, and
 * show what is in force (nss-podip(8)). It asks the module's own rules
 * (libpodip): what it prints of a name is the classifier's outcome, worded. */
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <gnu/libc-version.h>
#include <netdb.h>
#include <nss.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "podip_inject.h"
#include "podip_name.h"
#include "podip_nsswitch.h"
#include "podip_watch.h"

#define NSSWITCH_PATH "/etc/nsswitch.conf"
#define MODULE "libnss_podip.so.2" /* the name NSS loads for "podip" */

static struct podip_parser parser;
static char chunk[65536];
static struct podip_state state;

/* Print LEN bytes of S quoted, with anything unprintable escaped. */
static void print_quoted(const char *s, size_t len, size_t max)
{
    putchar('"');
    for (size_t i = 0; i < len && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20 || c >= 0x7f)
            printf("\\x%02x", c);
        else
            putchar(c);
    }
    printf(len > max ? "\"..." : "\"");
}

static void print_address(int family, const uint8_t *addr)
{
    char text[INET6_ADDRSTRLEN];
    fputs(inet_ntop(family, addr, text, sizeof text), stdout);
}

/* A domain of the snapshot: a wildcard domain, or a pod ZONE's cluster domain. */
static void print_domain(const struct podip_domain *d, bool zone)
{
    size_t len = d->len;
    const char *text = zone ? podip_zone_domain(d, &len) : d->text;
    printf("%.*s", (int)len, text);
}

static const char *file_problem(enum podip_file_status s)
{
    switch (s) {
    case PODIP_FILE_READ:
        return "read";
    case PODIP_FILE_ABSENT:
        return "not found";
    case PODIP_FILE_UNREADABLE:
        return "cannot be read now";
    case PODIP_FILE_NOT_REGULAR:
        return "not a regular file";
    case PODIP_FILE_NOT_OWNER:
        return "not owned by root";
    case PODIP_FILE_WRITABLE:
        return "writable by its group or by others";
    case PODIP_FILE_TOO_BIG:
        return "larger than " PODIP_STR(PODIP_FILE_MAX_MIB) " MiB";
    case PODIP_FILE_CHANGING:
        return "changed while being read";
    case PODIP_FILE_SETTLING:
        return "changed in the last " PODIP_STR(PODIP_SETTLE) " seconds";
    }
    return "?";
}

/* nss-podip check [FILE] */

struct check {
    const char *path;
    unsigned problems;
};

static void print_problem(void *ctx, unsigned line, const char *reason, const char *text,
                          size_t len)
{
    struct check *c = ctx;
    c->problems++;
    printf("%s:%u: %s: ", c->path, line, reason);
    print_quoted(text, len, 60);
    putchar('\n');
}

static int cmd_check(const char *path)
{
    bool installed = path == NULL || strcmp(path, PODIP_CONF_PATH) == 0;
    struct check c = {installed ? PODIP_CONF_PATH : path, 0};
    static struct podip_conf conf;
    struct podip_stamp stamp;
    int err;
    podip_conf_defaults(&conf);
    podip_parser_init(&parser, &conf, PODIP_SYNTAX_CONF, print_problem, &c);
    /* read whoever owns it, so a draft can be checked; judged below */
    enum podip_file_status s =
        podip_read_file(c.path, PODIP_ANY_OWNER, &parser, chunk, sizeof chunk, &stamp, &err);
    switch (s) {
    case PODIP_FILE_READ:
        break;
    case PODIP_FILE_ABSENT:
        if (installed) {
            printf("%s: not found; the module uses its defaults\n", c.path);
            return 0;
        }
        printf("%s: no such file\n", c.path);
        return 2;
    case PODIP_FILE_UNREADABLE:
        printf("%s: cannot be read: %s\n", c.path, strerror(err));
        if (installed)
            printf("%s: until it can, a program that has not read it passes every name on\n",
                   c.path);
        return 2;
    case PODIP_FILE_CHANGING:
        printf("%s: changed while being read; try again\n", c.path);
        return 2;
    default: /* refused whoever owns it */
        printf("%s: %s; %s\n", c.path, file_problem(s),
               installed ? "the module refuses it and passes every name on"
                         : "installed like this, the module would refuse it");
        return 1;
    }

    /* as the module judges it */
    enum podip_file_status refused = podip_refusal(&stamp, PODIP_CONF_OWNER);
    if (refused != PODIP_FILE_READ && installed) {
        printf("%s: is %s, so the module refuses it and passes every name on (whoever can write "
               "it could redirect pod names)\n",
               c.path, file_problem(refused));
        c.problems++;
    } else if (refused != PODIP_FILE_READ) {
        printf("%s: note: is %s; installed like this, the module would refuse it\n", c.path,
               file_problem(refused));
    } else if (installed && (stamp.mode & S_IROTH) == 0) {
        printf("%s: readable by root only, so programs of other users cannot read it and pass "
               "every name on\n",
               c.path);
        c.problems++;
    }
    if (c.problems > 0) {
        printf("%s: %u problem%s; lines with problems are skipped, the rest applies\n", c.path,
               c.problems, c.problems == 1 ? "" : "s");
        return 1;
    }
    printf("%s: OK\n", c.path);
    return 0;
}

/* What a program starting now would use: both files looked at once, as
 * the module's first lookup does. */
static void load(struct podip_conf *conf, podip_report_fn *report, void *ctx)
{
    podip_state_init(&state, PODIP_CONF_PATH, PODIP_CONF_OWNER, PODIP_RESOLV_PATH);
    podip_state_check(&state, time(NULL), report, ctx);
    podip_state_snapshot(&state, conf);
}

/* nss-podip explain NAME... */

static void print_column(const char *family, const struct podip_outcome *o, int af)
{
    printf("  %s: ", family);
    switch (podip_kind_for(o, af)) {
    case PODIP_ADDRESS:
        print_address(o->family, o->addr);
        break;
    case PODIP_NODATA:
        if (o->kind == PODIP_ADDRESS)
            printf("NODATA (the name holds an %s address)", o->family == AF_INET ? "IPv4" : "IPv6");
        else
            printf("NODATA (the name exists but holds no address)");
        break;
    case PODIP_NXDOMAIN:
        printf("NXDOMAIN (no such name; with [NOTFOUND=return] DNS is not asked)");
        break;
    case PODIP_PASS:
        printf("PASS (not the module's name: the next source, such as dns, answers)");
        break;
    }
    putchar('\n');
}

/* Label I of a pod name's outcome, quoted. */
static void print_label(const char *name, const struct podip_outcome *o, unsigned i)
{
    print_quoted(name + o->label[i].at, o->label[i].len, PODIP_LABEL_MAX + 7);
}

/* Why a name under a pod zone got its outcome (SPEC §1-§2). */
static void explain_pod(const char *name, const struct podip_conf *conf,
                        const struct podip_outcome *o)
{
    const struct podip_domain *zone = &conf->zones[o->zone];
    if (o->relative) {
        printf("a relative pod name, completed with zone ");
        print_domain(zone, true);
        printf(" as a pod's search list would; ");
    } else {
        printf("a name under pod.");
        print_domain(zone, true);
        printf(" (zone ");
        print_domain(zone, true);
        printf("); ");
    }
    switch (o->why) {
    case PODIP_WHY_POD:
        printf("the label ");
        print_label(name, o, 1);
        printf(" in namespace ");
        print_label(name, o, 0);
        printf(" reads as %s", o->family == AF_INET6 ? "the IPv6 address "
                               : o->mapped ? "an IPv4-mapped IPv6 address, answered as the IPv4 "
                                             "address "
                                           : "the IPv4 address ");
        print_address(o->family, o->addr);
        if (o->nlabels > 2)
            printf(", and the %u label%s in front %s ignored, as CoreDNS ignores them",
                   o->nlabels - 2, o->nlabels == 3 ? "" : "s", o->nlabels == 3 ? "is" : "are");
        break;
    case PODIP_WHY_POD_ZONE:
        if (o->nlabels == 0) {
            printf("pod.ZONE itself exists but holds no address");
        } else {
            printf("namespace ");
            print_label(name, o, 0);
            printf(" exists but holds no address (only names one label longer do)");
        }
        break;
    case PODIP_WHY_NAME_TOO_LONG:
        printf("the name is longer than " PODIP_STR(PODIP_NAME_MAX) " characters%s",
               o->relative ? " once completed" : "");
        break;
    case PODIP_WHY_LABEL_TOO_LONG:
        printf("a label is longer than " PODIP_STR(PODIP_LABEL_MAX) " characters");
        break;
    case PODIP_WHY_EMPTY_LABEL:
        printf("it has an empty label (two dots in a row, or a leading dot)");
        break;
    case PODIP_WHY_TOO_MANY_LABELS:
        printf("more than two labels stand in front of the address label, and CoreDNS ignores "
               "at most two");
        break;
    case PODIP_WHY_BAD_NAMESPACE:
        printf("the namespace label ");
        print_label(name, o, 0);
        printf(" is not one Kubernetes could create (" PODIP_NAMESPACE_RULE ")");
        break;
    case PODIP_WHY_NAMESPACE_DENIED:
        printf("namespace ");
        print_label(name, o, 0);
        printf(" is not among the `namespace` lines of the configuration");
        break;
    case PODIP_WHY_BAD_ADDRESS:
        printf("the label ");
        print_label(name, o, 1);
        if (o->family == AF_INET)
            printf(" is no address: it has three single dashes, so it is read as an IPv4 "
                   "address, but it is not four decimal numbers from 0 to 255 without a leading "
                   "zero (CoreDNS refuses 010: it could be read as octal)");
        else
            printf(" is no address: it does not have exactly three single dashes, so its dashes "
                   "are read as the colons of an IPv6 address, but it is not groups of 1 to 4 "
                   "hexadecimal digits, 8 of them or fewer around one \"--\" (\"::\")");
        break;
    case PODIP_WHY_NOT_ALLOWED:
        printf("the address ");
        print_address(o->family, o->addr);
        printf(" is outside every `allow` range of the configuration");
        break;
    default:
        break;
    }
    putchar('\n');
}

static void explain(const char *name, const struct podip_conf *conf)
{
    struct podip_outcome o;
    podip_classify(name, conf, &o);
    print_quoted(name, strlen(name), 300);
    putchar('\n');
    print_column("IPv4", &o, AF_INET);
    print_column("IPv6", &o, AF_INET6);
    printf("  why: ");
    switch (o.why) {
    case PODIP_WHY_WILDCARD:
    case PODIP_WHY_WILDCARD_NONE:
        printf("it is under the wildcard domain ");
        print_domain(&conf->wildcards[o.wildcard], false);
        if (o.why == PODIP_WHY_WILDCARD) {
            printf(", and holds the address ");
            print_address(o.family, o.addr);
            printf(" (a dashed label, or four dotted labels, just left of the domain)\n");
        } else {
            printf(", but holds no address just left of it, so it is passed on and the domain's "
                   "own records come from DNS\n");
        }
        return;
    case PODIP_WHY_ESCAPED:
        printf("it holds a backslash: glibc's dns source reads \\DDD and \\. as DNS text "
               "escapes, so only DNS can answer it as CoreDNS would; it is passed on\n");
        return;
    case PODIP_WHY_RELATIVE_OFF:
        printf("it looks like a relative pod name, but relative names are off (relative no)\n");
        return;
    case PODIP_WHY_NOT_OURS:
        printf("it is no pod name: not under pod.ZONE for any zone, nor LABEL.NAMESPACE.pod, "
               "nor under a wildcard domain\n");
        return;
    default:
        break;
    }
    if (o.zone < 0) /* the only reason left under no zone: PODIP_WHY_NAME_TOO_LONG */
        printf("it is longer than %d characters, so it is no DNS name; it is passed on\n",
               PODIP_NAME_MAX);
    else
        explain_pod(name, conf, &o);
}

static int cmd_explain(int argc, char **argv)
{
    static struct podip_conf conf;
    load(&conf, NULL, NULL);
    if (state.standing != PODIP_IN_FORCE)
        printf("(%s is %s: the module answers no name now)\n", PODIP_CONF_PATH,
               file_problem(state.conf_file.status));
    for (int i = 0; i < argc; i++)
        explain(argv[i], &conf);
    return 0;
}

/* nss-podip status */

/* Warnings are printed after the settings, as the last thing a user reads. */
static char warnings[16][512];
static unsigned nwarnings;

__attribute__((format(printf, 1, 2))) static void warn(const char *fmt, ...)
{
    if (nwarnings == sizeof warnings / sizeof warnings[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(warnings[nwarnings++], sizeof warnings[0], fmt, ap);
    va_end(ap);
}

/* What the module does about the configuration file W (SPEC §6), said
 * after the file's name, and the warning it deserves, if any. */
static void say_conf_file(const struct podip_watch *w)
{
    switch (podip_verdict(w->status)) {
    case PODIP_USE:
        if (w->status == PODIP_FILE_ABSENT)
            printf("not found, the defaults apply\n");
        else if (podip_settled(&w->stamp, w->read_at))
            printf("read, in force\n");
        else
            printf("read, in force for programs that start now; changed in the last %d seconds, "
                   "so programs already running keep what they read until it has not changed "
                   "for %d seconds\n",
                   PODIP_SETTLE, PODIP_SETTLE);
        return;
    case PODIP_KEEP:
        if (w->status == PODIP_FILE_UNREADABLE) {
            printf("cannot be read now (%s)", strerror(w->err));
            warn("the configuration file cannot be read now: programs that have not read it "
                 "pass every name on");
        } else {
            printf("%s, and may still be being written", file_problem(w->status));
        }
        printf(": a program that read it before keeps what it read, and one that has not "
               "passes every name on, until it can be read%s\n",
               w->status == PODIP_FILE_UNREADABLE ? "" : " whole");
        return;
    case PODIP_REFUSE:
        break;
    }
    printf("%s: refused, so the module steps aside and passes every name on to the next "
           "source, for as long as it stays so\n",
           file_problem(w->status));
    warn("the configuration file is refused (%s): the module passes every name on",
         file_problem(w->status));
}

static void count_problem(void *ctx, unsigned line, const char *reason, const char *text,
                          size_t len)
{
    (void)line, (void)reason, (void)text, (void)len;
    ++*(unsigned *)ctx;
}

/* The whole of the small text file PATH into BUF: its length, or -1 with
 * errno set (EFBIG: SIZE bytes or more). */
static ssize_t read_text(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    ssize_t got;
    while ((got = read(fd, buf + len, size - len)) > 0 && (len += (size_t)got) < size)
        ;
    int err = got < 0 ? errno : len == size ? EFBIG : 0;
    close(fd);
    errno = err;
    return err == 0 ? (ssize_t)len : -1;
}

/* Warn of what keeps the hosts line (its services, N bytes) from SPEC §5;
 * what glibc makes of it. */
static struct podip_hosts_verdict judge_hosts(const char *services, size_t n)
{
    struct podip_hosts_verdict v = podip_hosts_judge(services, n);
    if (!v.named) {
        warn("podip is not on the hosts line, so the module is never asked; add it before "
             "dns: " PODIP_HOSTS_LINE);
        return v;
    }
    if (v.ahead != NULL && v.ahead_returns) {
        warn("podip sits behind %s, which returns unless it is unavailable: podip is never "
             "reached while %s works; move podip before it",
             v.ahead, v.ahead);
        return v;
    }
    if (v.ahead != NULL)
        warn("podip sits after %s: pod names are sent to the network first; move podip before it",
             v.ahead);
    if (v.notfound_goes_on)
        warn("podip lacks [NOTFOUND=return]: names it knows do not exist still go on to DNS "
             "(as several queries, with ndots:5)");
    if (v.unavail_returns)
        warn("podip returns on UNAVAIL: every name that is not a pod name stops there and is "
             "never looked up in DNS");
    return v;
}

/* Whether this glibc loads the module by name, as NSS does: from where
 * its own search path finds it. If not, dlerror's reason in WHY. */
static bool module_loads(char *why, size_t size)
{
    void *module = dlopen(MODULE, RTLD_NOW | RTLD_LOCAL);
    if (module == NULL) {
        snprintf(why, size, "%s", dlerror());
        return false;
    }
    dlclose(module);
    return true;
}

static void check_nsswitch(void)
{
    static char text[65536];
    ssize_t len = read_text(NSSWITCH_PATH, text, sizeof text);
    if (len < 0) {
        printf("%s: cannot be read: %s\n", NSSWITCH_PATH, strerror(errno));
        warn("without a hosts line naming podip, the module is never asked");
        return;
    }
    size_t at, n;
    unsigned found = podip_hosts_find(text, (size_t)len, &at, &n);
    if (found == 0) {
        printf("%s: no hosts line (glibc then uses \"" PODIP_HOSTS_DEFAULT "\")\n", NSSWITCH_PATH);
        judge_hosts(PODIP_HOSTS_DEFAULT, strlen(PODIP_HOSTS_DEFAULT));
        return;
    }
    printf("%s: hosts: %.*s\n", NSSWITCH_PATH, (int)n, text + at);
    if (found > 1)
        warn("more than one hosts line: glibc uses the first");
    char why[512];
    if (judge_hosts(text + at, n).named && !module_loads(why, sizeof why))
        warn("the hosts line names podip, but glibc %s cannot load " MODULE ": %s",
             gnu_get_libc_version(), why);
}

/* The settings of CONF, the snapshot in force. */
static void print_settings(const struct podip_conf *conf)
{
    static struct podip_conf defaults;
    podip_conf_defaults(&defaults);
    unsigned nconfigured = state.from_file.nzones;
    bool by_default = nconfigured == defaults.nzones &&
                      memcmp(conf->zones, defaults.zones, sizeof defaults.zones[0]) == 0;
    printf("zones:");
    for (unsigned i = 0; i < conf->nzones; i++) {
        printf(" ");
        print_domain(&conf->zones[i], true);
        printf(i >= nconfigured ? " (detected in " PODIP_RESOLV_PATH ")"
               : by_default     ? " (default)"
                                : " (configured)");
    }
    printf("\ndetect-zones: %s", conf->detect_zones ? "yes" : "no\n");
    if (conf->detect_zones) {
        const struct podip_watch *r = &state.resolv;
        printf(" (" PODIP_RESOLV_PATH " %s", file_problem(r->status));
        if (podip_verdict(r->status) == PODIP_KEEP)
            printf("%s%s: no zone detected now; a running program keeps the zones it read)\n",
                   r->err != 0 ? ": " : "", r->err != 0 ? strerror(r->err) : "");
        else if (podip_verdict(r->status) == PODIP_REFUSE)
            printf(": refused, no zone detected)\n");
        else
            printf(")\n");
    }
    printf("relative: %s\n", conf->relative ? "yes" : "no");
    printf("namespaces:%s", conf->nnamespaces == 0 ? " all" : "");
    for (unsigned i = 0; i < conf->nnamespaces; i++)
        printf(" %s", conf->namespaces[i].text);
    printf("\nallow:%s", conf->nallow == 0 ? " all addresses" : "");
    for (unsigned i = 0; i < conf->nallow; i++) {
        printf(" ");
        print_address(conf->allow[i].family, conf->allow[i].addr);
        printf("/%u", conf->allow[i].prefix);
    }
    printf("\nttl: %u\nwildcards:%s", (unsigned)conf->ttl, conf->nwildcards == 0 ? " none" : "");
    for (unsigned i = 0; i < conf->nwildcards; i++) {
        printf(" ");
        print_domain(&conf->wildcards[i], false);
    }
    putchar('\n');
}

static int cmd_status(void)
{
    static struct podip_conf conf;
    unsigned skipped = 0;
    load(&conf, count_problem, &skipped);

    const struct podip_watch *w = &state.conf_file;
    printf("configuration file: %s: ", PODIP_CONF_PATH);
    say_conf_file(w);
    if (skipped > 0)
        warn("%u line%s of the configuration file skipped (nss-podip check shows which and why)",
             skipped, skipped == 1 ? "" : "s");
    if (w->status == PODIP_FILE_READ && (w->stamp.mode & S_IROTH) == 0)
        warn("the configuration file is readable by root only: programs of other users cannot "
             "read it and pass every name on");
    if (state.standing == PODIP_IN_FORCE)
        print_settings(&conf);
    else
        printf("zones: none (the module answers no name now)\n");
    check_nsswitch();
    for (unsigned i = 0; i < nwarnings; i++)
        printf("warning: %s\n", warnings[i]);
    return nwarnings > 0 ? 1 : 0;
}

/* nss-podip setup [--output FILE] (SPEC §8) */

__attribute__((format(printf, 1, 2))) static int setup_failed(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nss-podip setup: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* TEXT into PATH: an existing file keeps its mode, a new one is 0644
 * whatever the umask (programs of every user read nsswitch.conf). */
static bool write_text(const char *path, const char *text, size_t len)
{
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) {
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd >= 0 && fchmod(fd, 0644) != 0) {
            close(fd);
            return false;
        }
    }
    if (fd < 0)
        return false;
    for (size_t done = 0; done < len;) {
        ssize_t n = write(fd, text + done, len - done);
        if (n < 0 && errno != EINTR) {
            close(fd);
            return false;
        }
        done += n > 0 ? (size_t)n : 0;
    }
    return close(fd) == 0;
}

/* What glibc answers for NAME (a dashed IPv4 address) through podip alone,
 * and what the rules give under CONF, in words; whether they agree. */
static bool module_answers(const char *name, const struct podip_conf *conf, char *answer,
                           char *want, size_t size)
{
    struct podip_outcome o;
    enum podip_kind kind = podip_classify(name, conf, &o);
    char text[INET6_ADDRSTRLEN];
    snprintf(want, size, "%s",
             kind == PODIP_ADDRESS    ? inet_ntop(o.family, o.addr, text, sizeof text)
             : kind == PODIP_NXDOMAIN ? "no such name"
             : kind == PODIP_NODATA   ? "no address"
                                      : "nothing: the name is passed on");

    __nss_configure_lookup("hosts", "podip");
    struct hostent h, *res = NULL;
    char buf[1024];
    int herr = 0;
    gethostbyname2_r(name, AF_INET, &h, buf, sizeof buf, &res, &herr);
    if (res != NULL)
        snprintf(answer, size, "%s", inet_ntop(h.h_addrtype, h.h_addr, text, sizeof text));
    else
        snprintf(answer, size, "%s",
                 herr == HOST_NOT_FOUND ? "no such name"
                 : herr == NO_DATA      ? "no address"
                                        : "nothing: podip did not answer (h_errno NO_RECOVERY)");
    return strcmp(answer, want) == 0;
}

/* This image's nsswitch.conf with podip placed on its hosts line, written
 * to OUTPUT; then proof, with this glibc, that the module loads and
 * answers a pod name as its rules say. One line either way. */
static int cmd_setup(const char *output)
{
    static char text[65536], placed[sizeof text + 128];
    ssize_t len = read_text(NSSWITCH_PATH, text, sizeof text);
    if (len < 0 && errno != ENOENT)
        return setup_failed("%s: cannot be read: %s", NSSWITCH_PATH, strerror(errno));
    size_t n = podip_hosts_place(text, len < 0 ? 0 : (size_t)len, placed, sizeof placed);
    if (!write_text(output, placed, n))
        return setup_failed("%s: cannot be written: %s", output, strerror(errno));
    size_t at, hn;
    podip_hosts_find(placed, n, &at, &hn);
    struct podip_hosts_verdict verdict = judge_hosts(placed + at, hn);
    if (!podip_hosts_sound(&verdict))
        return setup_failed("%s: hosts: %.*s: %s", output, (int)hn, placed + at, warnings[0]);

    char why[512];
    if (!module_loads(why, sizeof why))
        return setup_failed("glibc %s cannot load " MODULE ": %s", gnu_get_libc_version(), why);
    static struct podip_conf conf;
    load(&conf, NULL, NULL);
    if (state.standing != PODIP_IN_FORCE)
        return setup_failed("%s is %s: the module answers no name", PODIP_CONF_PATH,
                            file_problem(state.conf_file.status));
    char name[PODIP_NAME_MAX + 1], answer[128], want[128];
    size_t zlen;
    const char *zone = podip_zone_domain(&conf.zones[0], &zlen);
    snprintf(name, sizeof name, "10-0-0-1.default.pod.%.*s", (int)zlen, zone);
    if (!module_answers(name, &conf, answer, want, sizeof answer))
        return setup_failed("glibc %s loads " MODULE ", but asked %s through it answers %s where "
                            "the module's rules give %s",
                            gnu_get_libc_version(), name, answer, want);
    printf("nss-podip setup: %s: hosts: %.*s; glibc %s loads " MODULE
           ", and through it answers %s with %s\n",
           output, (int)hn, placed + at, gnu_get_libc_version(), name, answer);
    return 0;
}

static int usage(FILE *to, int status)
{
    fprintf(to, "usage: nss-podip check [FILE]     validate a configuration file\n"
                "       nss-podip explain NAME...  how each name is answered, and why\n"
                "       nss-podip status           the configuration in force, and the hosts "
                "line\n"
                "       nss-podip setup [--output FILE]\n"
                "                                  write nsswitch.conf's hosts line with podip, "
                "and prove\n"
                "                                  that this glibc loads the module\n"
                "       nss-podip inject [--image REF] [--config-map NAME] [FILE...]\n"
                "                                  add podip to the pod templates of Kubernetes "
                "manifests\n"
                "See nss-podip(8) and nss-podip.conf(5).\n");
    return status;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "";
    if (strcmp(cmd, "check") == 0 && argc <= 3)
        return cmd_check(argc == 3 ? argv[2] : NULL);
    if (strcmp(cmd, "explain") == 0 && argc >= 3)
        return cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "status") == 0 && argc == 2)
        return cmd_status();
    if (strcmp(cmd, "setup") == 0 && argc == 2)
        return cmd_setup(NSSWITCH_PATH);
    if (strcmp(cmd, "setup") == 0 && argc == 4 && strcmp(argv[2], "--output") == 0)
        return cmd_setup(argv[3]);
    if (strcmp(cmd, "inject") == 0)
        return podip_inject_command(argc - 1, argv + 1);
    if (strcmp(cmd, "--version") == 0) {
        printf("nss-podip %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return usage(stdout, 0);
    return usage(stderr, 2);
}
