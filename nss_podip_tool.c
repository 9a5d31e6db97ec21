/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip: check the configuration, explain how names are answered, and
 * show what is in force (nss-podip(8)). It asks the module's own rules
 * (libpodip): what it prints of a name is the classifier's outcome, worded. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>

#include "config.h"
#include "podip_name.h"
#include "podip_watch.h"

#define NSSWITCH_PATH "/etc/nsswitch.conf"
#define HOSTS_LINE "hosts: files podip [NOTFOUND=return] dns"

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

enum action { CONTINUE, RETURN };
enum nss_state { SUCCESS, NOTFOUND, UNAVAIL, TRYAGAIN };

struct source {
    char name[32];
    enum action on[4];
};

/* Apply one "[...]" action list (its text without brackets) to SRC. */
static void apply_actions(struct source *src, char *text)
{
    static const char *states[] = {"success", "notfound", "unavail", "tryagain"};
    /* "NOTFOUND = return" is one item: drop blanks around '=' */
    char *w = text;
    for (char *r = text; *r != '\0'; r++) {
        if ((*r == ' ' || *r == '\t') && (r[1] == '=' || (w > text && w[-1] == '=')))
            continue;
        *w++ = *r;
    }
    *w = '\0';
    for (char *item = strtok(text, " \t"); item != NULL; item = strtok(NULL, " \t")) {
        bool negate = item[0] == '!';
        char *eq = strchr(item, '=');
        if (eq == NULL)
            continue;
        *eq = '\0';
        enum action act = strcasecmp(eq + 1, "return") == 0 ? RETURN : CONTINUE;
        for (int s = 0; s < 4; s++)
            if ((strcasecmp(item + negate, states[s]) == 0) != negate)
                src->on[s] = act;
    }
}

/* Parse the services of a hosts line into SRC; returns how many. */
static unsigned parse_hosts(char *line, struct source *src, unsigned max)
{
    unsigned n = 0;
    char *p = line;
    while (*p != '\0') {
        p += strspn(p, " \t");
        if (*p == '[') {
            char *end = strchr(p, ']');
            if (end == NULL)
                break;
            *end = '\0';
            if (n > 0)
                apply_actions(&src[n - 1], p + 1);
            p = end + 1;
        } else if (*p != '\0') {
            size_t len = strcspn(p, " \t[");
            if (n < max) {
                snprintf(src[n].name, sizeof src[n].name, "%.*s", (int)len, p);
                src[n].on[SUCCESS] = RETURN;
                src[n].on[NOTFOUND] = src[n].on[UNAVAIL] = src[n].on[TRYAGAIN] = CONTINUE;
                n++;
            }
            p += len;
        }
    }
    return n;
}

/* The first hosts line of nsswitch.conf into HOSTS; how many there are. */
static unsigned read_hosts_line(FILE *f, char *hosts, size_t size)
{
    char line[4096];
    unsigned found = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        size_t end = strcspn(line, "#\n");
        while (end > 0 && (line[end - 1] == ' ' || line[end - 1] == '\t'))
            end--;
        line[end] = '\0';
        char *p = line + strspn(line, " \t");
        if (strncmp(p, "hosts", 5) != 0)
            continue;
        p += 5 + strspn(p + 5, " \t");
        if (*p == ':' && found++ == 0)
            snprintf(hosts, size, "%s", p + 1 + strspn(p + 1, " \t"));
    }
    return found;
}

static void check_nsswitch(void)
{
    static const char missing[] = "podip is not on the hosts line, so the module is never "
                                  "asked; add it before dns: " HOSTS_LINE;
    FILE *f = fopen(NSSWITCH_PATH, "re");
    if (f == NULL) {
        printf("%s: cannot be read: %s\n", NSSWITCH_PATH, strerror(errno));
        warn("without a hosts line naming podip, the module is never asked");
        return;
    }
    char hosts[4096] = "";
    unsigned found = read_hosts_line(f, hosts, sizeof hosts);
    fclose(f);
    if (found == 0) {
        printf("%s: no hosts line (glibc then uses \"dns [!UNAVAIL=return] files\")\n",
               NSSWITCH_PATH);
        warn("%s", missing);
        return;
    }
    printf("%s: hosts: %s\n", NSSWITCH_PATH, hosts);
    if (found > 1)
        warn("more than one hosts line: glibc uses the first");

    struct source src[32];
    unsigned n = parse_hosts(hosts, src, 32), at = 0;
    while (at < n && strcmp(src[at].name, "podip") != 0)
        at++;
    if (at == n) {
        warn("%s", missing);
        return;
    }
    for (unsigned i = 0; i < at; i++) {
        if (strcmp(src[i].name, "dns") != 0 && strcmp(src[i].name, "resolve") != 0)
            continue;
        if (src[i].on[NOTFOUND] == RETURN && src[i].on[SUCCESS] == RETURN) {
            warn("podip sits behind %s, which returns unless it is unavailable: podip is never "
                 "reached while %s works; move podip before it",
                 src[i].name, src[i].name);
            return;
        }
        warn("podip sits after %s: pod names are sent to the network first; move podip before it",
             src[i].name);
    }
    if (src[at].on[NOTFOUND] != RETURN)
        warn("podip lacks [NOTFOUND=return]: names it knows do not exist still go on to DNS "
             "(as several queries, with ndots:5)");
    if (src[at].on[UNAVAIL] == RETURN)
        warn("podip returns on UNAVAIL: every name that is not a pod name stops there and is "
             "never looked up in DNS");
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

static int usage(FILE *to, int status)
{
    fprintf(to, "usage: nss-podip check [FILE]     validate a configuration file\n"
                "       nss-podip explain NAME...  how each name is answered, and why\n"
                "       nss-podip status           the configuration in force, and the hosts "
                "line\n"
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
    if (strcmp(cmd, "--version") == 0) {
        printf("nss-podip %s\n", PACKAGE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0)
        return usage(stdout, 0);
    return usage(stderr, 2);
}
