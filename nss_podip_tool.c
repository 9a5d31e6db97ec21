/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip: check the configuration, explain how names are answered, and
 * show what is in force (nss-podip(8)). Built from the module's own sources,
 * so it parses and classifies exactly as the module does. */
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
#include "podip_snapshot.h"

#define NSSWITCH_PATH "/etc/nsswitch.conf"

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
    case PODIP_FILE_NOT_ROOT:
        return "not owned by root";
    case PODIP_FILE_WRITABLE:
        return "writable by its group or by others";
    case PODIP_FILE_TOO_BIG:
        return "larger than 16 MiB";
    case PODIP_FILE_CHANGING:
        return "changed while being read";
    case PODIP_FILE_SETTLING:
        return "changed in the last 2 seconds";
    }
    return "?";
}

/* What the module does about the configuration file W (SPEC §6), said
 * after the file's name; whether that deserves a warning. */
static bool say_conf_file(const struct podip_watch *w)
{
    switch (podip_verdict(w->status)) {
    case PODIP_USE:
        if (w->status == PODIP_FILE_ABSENT)
            printf("not found, the defaults apply\n");
        else if (podip_settled(&w->stamp, w->read_at))
            printf("read, in force\n");
        else
            printf("read, in force for programs that start now; changed in the last 2 seconds, "
                   "so programs already running keep what they read until it has not changed "
                   "for 2 seconds\n");
        return false;
    case PODIP_KEEP:
        if (w->status == PODIP_FILE_UNREADABLE)
            printf("cannot be read now (%s)", strerror(w->err));
        else
            printf("%s, and may still be being written", file_problem(w->status));
        printf(": a program that read it before keeps what it read, and one that has not "
               "passes every name on, until it can be read%s\n",
               w->status == PODIP_FILE_UNREADABLE ? "" : " whole (within 2 seconds)");
        return w->status == PODIP_FILE_UNREADABLE;
    case PODIP_REFUSE:
        break;
    }
    printf("%s: refused, so the module steps aside and passes every name on to the next "
           "source, for as long as it stays so\n",
           file_problem(w->status));
    return true;
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
    struct podip_conf conf;
    struct podip_stamp stamp;
    int err;
    podip_conf_defaults(&conf);
    podip_parser_init(&parser, &conf, PODIP_SYNTAX_CONF, print_problem, &c);
    /* read whoever owns it, so a draft can be checked */
    enum podip_file_status s = podip_read_file(c.path, false, &parser, chunk, sizeof chunk, &stamp,
                                               &err);
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
    default:
        printf("%s: %s; %s\n", c.path, file_problem(s),
               installed ? "the module refuses it and passes every name on"
                         : "installed like this, the module would refuse it");
        return 1;
    }

    /* read whoever owns it above; judged now as the module judges it */
    enum podip_file_status refused = podip_refusal(&stamp, true);
    const char *why = refused != PODIP_FILE_READ ? file_problem(refused) : NULL;
    if (why != NULL && installed) {
        printf("%s: is %s, so the module refuses it and passes every name on (whoever can write "
               "it could redirect pod names)\n",
               c.path, why);
        c.problems++;
    } else if (why != NULL) {
        printf("%s: note: is %s; installed like this, the module would refuse it\n", c.path, why);
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
    podip_state_init(&state, PODIP_CONF_PATH, PODIP_RESOLV_PATH);
    podip_state_check(&state, time(NULL), report, ctx);
    podip_state_snapshot(&state, conf);
}

/* nss-podip explain NAME... */

static void print_address(int family, const uint8_t *addr)
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(family, addr, text, sizeof text);
    fputs(text, stdout);
}

static void print_zone(const struct podip_domain *d, bool pod)
{
    int skip = pod ? 4 : 0; /* pod zones are stored as "pod." + the zone */
    printf("%.*s", d->len - skip, d->text + skip);
}

/* Why the label S (LEN bytes) is no dashed address (SPEC §2). */
static void explain_label(const char *s, size_t len)
{
    unsigned dashes = 0;
    bool doubled = false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == '-') {
            dashes++;
            doubled |= i > 0 && s[i - 1] == '-';
        }
    if (dashes == 3 && !doubled) {
        printf("it has three dashes, so it is read as an IPv4 address, ");
        size_t start = 0;
        for (int part = 1; part <= 4; part++) {
            size_t end = start;
            while (end < len && s[end] != '-')
                end++;
            const char *p = s + start;
            size_t n = end - start;
            size_t digits = 0;
            while (digits < n && p[digits] >= '0' && p[digits] <= '9')
                digits++;
            unsigned long v = digits == n && n <= 4 ? strtoul(p, NULL, 10) : 0;
            if (n == 0) {
                printf("and its part %d is empty\n", part);
                return;
            }
            if (digits < n) {
                printf("and its part ");
                print_quoted(p, n, 20);
                printf(" is not a decimal number\n");
                return;
            }
            if (n > 1 && p[0] == '0') {
                printf("and its part \"%.*s\" has a leading zero (CoreDNS refuses it: it could "
                       "be read as octal)\n",
                       (int)n, p);
                return;
            }
            if (n > 3 || v > 255) {
                printf("and its part \"%.*s\" is over 255\n", (int)n, p);
                return;
            }
            start = end + 1;
        }
        printf("but it is not one\n");
        return;
    }
    printf("it does not have exactly three single dashes (the IPv4 form), so its dashes are "
           "read as the colons of an IPv6 address, ");
    if (len == 0) {
        printf("and it is empty\n");
        return;
    }
    unsigned gaps = 0, groups = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '-') {
            size_t run = 0;
            while (i + run < len && s[i + run] == '-')
                run++;
            if (run > 2) {
                printf("and it has %zu dashes in a row\n", run);
                return;
            }
            if (run == 2)
                gaps++;
            else if (i == 0 || i + 1 == len) {
                printf("and it %s with a single dash\n", i == 0 ? "starts" : "ends");
                return;
            }
            i += run;
            continue;
        }
        size_t n = 0;
        while (i + n < len && s[i + n] != '-')
            n++;
        for (size_t k = 0; k < n; k++) {
            char c = s[i + k];
            bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!hex) {
                printf("and ");
                print_quoted(&s[i + k], 1, 1);
                printf(" is not a hexadecimal digit\n");
                return;
            }
        }
        if (n > 4) {
            printf("and its group \"%.*s\" has more than 4 hexadecimal digits\n", (int)n, s + i);
            return;
        }
        groups++;
        i += n;
    }
    if (gaps > 1)
        printf("and it has \"--\" (\"::\") more than once\n");
    else if (gaps == 0 && groups != 8)
        printf("and it has %u groups: without \"--\" (\"::\") an IPv6 address has 8\n", groups);
    else if (gaps == 1 && groups > 7)
        printf("and it has too many groups for a \"--\" (\"::\")\n");
    else
        printf("and it is not a valid IPv6 address\n");
}

static void explain_namespace(const char *s, size_t len)
{
    printf("the namespace label ");
    print_quoted(s, len, 70);
    printf(" is not one Kubernetes could create: ");
    if (len > PODIP_LABEL_MAX) {
        printf("it is longer than 63 characters\n");
        return;
    }
    if (s[0] == '-' || s[len - 1] == '-') {
        printf("it %s with '-'\n", s[0] == '-' ? "starts" : "ends");
        return;
    }
    for (size_t i = 0; i < len; i++) {
        char c = (char)(s[i] | 0x20);
        if (!((c >= 'a' && c <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-')) {
            printf("it holds ");
            print_quoted(&s[i], 1, 1);
            printf(", and a namespace has only letters, digits and '-'\n");
            return;
        }
    }
    printf("\n");
}

/* The labels of a pod name left of ".pod.ZONE": right to left, the
 * namespace, the address label, then up to two ignored ones. */
static unsigned pod_labels(const char *name, size_t head, const char *start[4], size_t len[4])
{
    unsigned n = 0;
    size_t end = head;
    while (n < 4) {
        size_t b = end;
        while (b > 0 && name[b - 1] != '.')
            b--;
        start[n] = name + b;
        len[n++] = end - b;
        if (b == 0)
            break;
        end = b - 1;
    }
    return n;
}

static void print_column(const char *family, const struct podip_outcome *o, int af)
{
    printf("  %s: ", family);
    switch (o->kind) {
    case PODIP_ADDRESS:
        if (o->family == af)
            print_address(o->family, o->addr);
        else
            printf("NODATA (the name holds an %s address)", af == AF_INET ? "IPv6" : "IPv4");
        break;
    case PODIP_NODATA:
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

static void explain(const char *name, const struct podip_conf *conf)
{
    struct podip_outcome o;
    podip_classify(name, conf, &o);
    print_quoted(name, strlen(name), 300);
    putchar('\n');
    print_column("IPv4", &o, AF_INET);
    print_column("IPv6", &o, AF_INET6);
    printf("  why: ");

    const struct podip_domain *zone = o.zone >= 0 ? &conf->zones[o.zone] : NULL;
    if (o.why == PODIP_WHY_WILDCARD || o.why == PODIP_WHY_WILDCARD_NONE) {
        printf("it is under the wildcard domain ");
        print_zone(&conf->wildcards[o.zone], false);
        if (o.why == PODIP_WHY_WILDCARD) {
            printf(", and holds the address ");
            print_address(o.family, o.addr);
            printf(" (a dashed label, or four dotted labels, just left of the domain)\n");
        } else {
            printf(", but holds no address just left of it, so it is passed on and the domain's "
                   "own records come from DNS\n");
        }
        return;
    }
    if (o.why == PODIP_WHY_ESCAPED) {
        printf("it holds a backslash: glibc's dns source reads \\DDD and \\. as DNS text "
               "escapes, so only DNS can answer it as CoreDNS would; it is passed on\n");
        return;
    }
    if (o.why == PODIP_WHY_NOT_OURS) {
        size_t n = o.namelen;
        if (n > PODIP_NAME_MAX)
            printf("it is longer than 253 characters, so it is no DNS name; it is passed on\n");
        else if (!conf->relative && n > 4 && name[n] != '.' &&
                 strncasecmp(name + n - 4, ".pod", 4) == 0)
            printf("it looks like a relative pod name, but relative names are off (relative "
                   "no)\n");
        else
            printf("it is no pod name: not under pod.ZONE for any zone, nor LABEL.NAMESPACE.pod, "
                   "nor under a wildcard domain\n");
        return;
    }
    if (o.relative) {
        printf("a relative pod name, completed with zone ");
        print_zone(zone, true);
        printf(" as a pod's search list would; ");
    } else {
        printf("a name under pod.");
        print_zone(zone, true);
        printf(" (zone ");
        print_zone(zone, true);
        printf("); ");
    }
    size_t head = o.relative ? o.namelen - 4 : o.namelen - zone->len - 1;
    const char *start[4];
    size_t len[4];
    unsigned n = head > 0 && head < o.namelen ? pod_labels(name, head, start, len) : 0;
    switch (o.why) {
    case PODIP_WHY_POD:
        printf("the label \"%.*s\" in namespace \"%.*s\" reads as ", (int)len[1], start[1],
               (int)len[0], start[0]);
        if (o.family == AF_INET6)
            printf("the IPv6 address ");
        else if (memmem(start[1], len[1], "--", 2) != NULL)
            printf("an IPv4-mapped IPv6 address, answered as the IPv4 address ");
        else
            printf("the IPv4 address ");
        print_address(o.family, o.addr);
        if (n > 2)
            printf(", and the %u label%s in front %s ignored, as CoreDNS ignores them", n - 2,
                   n == 3 ? "" : "s", n == 3 ? "is" : "are");
        printf("\n");
        break;
    case PODIP_WHY_POD_ZONE:
        if (n == 0)
            printf("pod.ZONE itself exists but holds no address\n");
        else
            printf("namespace \"%.*s\" exists but holds no address (only names one label "
                   "longer do)\n",
                   (int)len[0], start[0]);
        break;
    case PODIP_WHY_NAME_TOO_LONG:
        printf("the name is longer than 253 characters%s\n", o.relative ? " once completed" : "");
        break;
    case PODIP_WHY_LABEL_TOO_LONG:
        printf("a label is longer than 63 characters\n");
        break;
    case PODIP_WHY_EMPTY_LABEL:
        printf("it has an empty label (two dots in a row, or a leading dot)\n");
        break;
    case PODIP_WHY_TOO_MANY_LABELS:
        printf("more than two labels stand in front of the address label, and CoreDNS ignores "
               "at most two\n");
        break;
    case PODIP_WHY_BAD_NAMESPACE:
        explain_namespace(start[0], len[0]);
        break;
    case PODIP_WHY_NAMESPACE_DENIED:
        printf("namespace \"%.*s\" is not among the `namespace` lines of the configuration\n",
               (int)len[0], start[0]);
        break;
    case PODIP_WHY_BAD_ADDRESS:
        printf("the label ");
        print_quoted(start[1], len[1], 70);
        printf(" is no address: ");
        explain_label(start[1], len[1]);
        break;
    case PODIP_WHY_NOT_ALLOWED:
        printf("the address ");
        print_address(o.family, o.addr);
        printf(" is outside every `allow` range of the configuration\n");
        break;
    default:
        printf("\n");
        break;
    }
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

static void skip_problem(void *ctx, unsigned line, const char *reason, const char *text, size_t len)
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
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            break;
        if (*p == '[') {
            char *end = strchr(p, ']');
            if (end == NULL)
                break;
            *end = '\0';
            if (n > 0)
                apply_actions(&src[n - 1], p + 1);
            p = end + 1;
            continue;
        }
        size_t len = strcspn(p, " \t[");
        if (n < max) {
            snprintf(src[n].name, sizeof src[n].name, "%.*s", (int)len, p);
            src[n].on[SUCCESS] = RETURN;
            src[n].on[NOTFOUND] = src[n].on[UNAVAIL] = src[n].on[TRYAGAIN] = CONTINUE;
            n++;
        }
        p += len;
    }
    return n;
}

static void check_nsswitch(void)
{
    FILE *f = fopen(NSSWITCH_PATH, "re");
    if (f == NULL) {
        printf("%s: cannot be read: %s\n", NSSWITCH_PATH, strerror(errno));
        warn("without a hosts line naming podip, the module is never asked");
        return;
    }
    char line[4096], hosts[4096] = "";
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
        if (*p != ':')
            continue;
        if (found++ == 0)
            snprintf(hosts, sizeof hosts, "%s", p + 1 + strspn(p + 1, " \t"));
    }
    fclose(f);
    if (found == 0) {
        printf("%s: no hosts line (glibc then uses \"dns [!UNAVAIL=return] files\")\n",
               NSSWITCH_PATH);
        warn("podip is not on the hosts line, so the module is never asked; add it before dns:"
             " hosts: files podip [NOTFOUND=return] dns");
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
        warn("podip is not on the hosts line, so the module is never asked; add it before dns:"
             " hosts: files podip [NOTFOUND=return] dns");
        return;
    }
    for (unsigned i = 0; i < at; i++) {
        bool network = strcmp(src[i].name, "dns") == 0 || strcmp(src[i].name, "resolve") == 0;
        if (!network)
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

static void print_list_end(bool any)
{
    printf(any ? "\n" : "none\n");
}

static int cmd_status(void)
{
    static struct podip_conf conf;
    unsigned skipped = 0;
    load(&conf, skip_problem, &skipped);

    printf("configuration file: %s: ", PODIP_CONF_PATH);
    if (say_conf_file(&state.conf_file) && state.conf_file.status == PODIP_FILE_UNREADABLE)
        warn("the configuration file cannot be read now: programs that have not read it pass "
             "every name on");
    else if (podip_verdict(state.conf_file.status) == PODIP_REFUSE)
        warn("the configuration file is refused (%s): the module passes every name on",
             file_problem(state.conf_file.status));
    if (skipped > 0) {
        warn("%u line%s of the configuration file skipped (nss-podip check shows which and why)",
             skipped, skipped == 1 ? "" : "s");
    }
    if (state.conf_file.status == PODIP_FILE_READ && (state.conf_file.stamp.mode & S_IROTH) == 0)
        warn("the configuration file is readable by root only: programs of other users cannot "
             "read it and pass every name on");
    if (state.standing != PODIP_IN_FORCE) {
        printf("zones: none (the module answers no name now)\n");
        check_nsswitch();
        for (unsigned i = 0; i < nwarnings; i++)
            printf("warning: %s\n", warnings[i]);
        return nwarnings > 0 ? 1 : 0;
    }

    unsigned nconfigured = state.from_file.nzones;
    printf("zones:");
    for (unsigned i = 0; i < conf.nzones; i++) {
        printf(" ");
        print_zone(&conf.zones[i], true);
        if (i >= nconfigured)
            printf(" (detected in %s)", PODIP_RESOLV_PATH);
        else if (nconfigured == 1 && strcmp(conf.zones[0].text, "pod.cluster.local") == 0)
            printf(" (default)");
        else
            printf(" (configured)");
    }
    printf("\ndetect-zones: %s", conf.detect_zones ? "yes" : "no\n");
    if (conf.detect_zones) {
        const struct podip_watch *r = &state.resolv;
        if (r->status == PODIP_FILE_READ || r->status == PODIP_FILE_ABSENT)
            printf(" (%s %s)\n", PODIP_RESOLV_PATH, file_problem(r->status));
        else if (podip_verdict(r->status) == PODIP_KEEP)
            printf(" (%s %s%s%s: no zone detected now; a running program keeps the zones it "
                   "read)\n",
                   PODIP_RESOLV_PATH, file_problem(r->status), r->err != 0 ? ": " : "",
                   r->err != 0 ? strerror(r->err) : "");
        else
            printf(" (%s %s: refused, no zone detected)\n", PODIP_RESOLV_PATH,
                   file_problem(r->status));
    }
    printf("relative: %s\n", conf.relative ? "yes" : "no");
    printf("namespaces: %s", conf.nnamespaces == 0 ? "all\n" : "");
    for (unsigned i = 0; i < conf.nnamespaces; i++)
        printf("%s%s", conf.namespaces[i].text, i + 1 < conf.nnamespaces ? " " : "\n");
    printf("allow: %s", conf.nallow == 0 ? "all addresses\n" : "");
    for (unsigned i = 0; i < conf.nallow; i++) {
        print_address(conf.allow[i].family, conf.allow[i].addr);
        printf("/%u%s", conf.allow[i].prefix, i + 1 < conf.nallow ? " " : "\n");
    }
    printf("ttl: %u\n", (unsigned)conf.ttl);
    printf("wildcards: ");
    for (unsigned i = 0; i < conf.nwildcards; i++) {
        print_zone(&conf.wildcards[i], false);
        printf("%s", i + 1 < conf.nwildcards ? " " : "");
    }
    print_list_end(conf.nwildcards > 0);
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
    if (argc < 2)
        return usage(stderr, 2);
    const char *cmd = argv[1];
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
