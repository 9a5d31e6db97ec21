/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The hosts line of nsswitch.conf, as glibc reads it: services, each
 * followed by any number of "[STATUS=ACTION ...]" lists; `#` starts a
 * comment; the first hosts line counts. */
#include "podip_nsswitch.h"

#include <string.h>
#include <strings.h>

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

unsigned podip_hosts_find(const char *text, size_t len, size_t *at, size_t *n)
{
    unsigned found = 0;
    const char *end_of_text = text + len;
    for (const char *line = text; line < end_of_text;) {
        const char *nl = memchr(line, '\n', (size_t)(end_of_text - line));
        const char *eol = nl != NULL ? nl : end_of_text;
        const char *end = memchr(line, '#', (size_t)(eol - line));
        if (end == NULL)
            end = eol;
        const char *p = skip_blanks(line, end);
        line = eol + 1;
        if (end - p < 5 || memcmp(p, "hosts", 5) != 0)
            continue;
        p = skip_blanks(p + 5, end);
        if (p == end || *p != ':' || found++ > 0)
            continue;
        p = skip_blanks(p + 1, end);
        while (end > p && is_blank(end[-1]))
            end--;
        *at = (size_t)(p - text);
        *n = (size_t)(end - p);
    }
    return found;
}

/* One word of a hosts line: a service, or the inside of a "[...]" list. */
struct token {
    const char *at;
    size_t len;
    bool actions;
};

static bool next_token(const char **p, const char *end, struct token *t)
{
    const char *s = skip_blanks(*p, end);
    if (s == end)
        return false;
    t->actions = *s == '[';
    if (t->actions) {
        const char *close = memchr(s, ']', (size_t)(end - s));
        t->at = s + 1;
        t->len = (size_t)((close != NULL ? close : end) - t->at);
        *p = close != NULL ? close + 1 : end;
        return true;
    }
    const char *e = s;
    while (e < end && !is_blank(*e) && *e != '[')
        e++;
    t->at = s;
    t->len = (size_t)(e - s);
    *p = e;
    return true;
}

static bool token_is(const struct token *t, const char *word)
{
    return !t->actions && t->len == strlen(word) && memcmp(t->at, word, t->len) == 0;
}

enum { SUCCESS, NOTFOUND, UNAVAIL, TRYAGAIN, NSTATES };

/* What a service does on each status: by default it returns on SUCCESS. */
struct service {
    struct token name;
    bool returns[NSTATES];
};

static const char *word_end(const char *p, const char *end)
{
    while (p < end && !is_blank(*p) && *p != '=')
        p++;
    return p;
}

/* Apply the items of one "[...]" list (blanks around '=' allowed). */
static void apply_actions(struct service *s, const struct token *list)
{
    static const char *const states[NSTATES] = {"success", "notfound", "unavail", "tryagain"};
    const char *p = list->at, *end = list->at + list->len;
    for (;;) {
        p = skip_blanks(p, end);
        if (p == end)
            return;
        bool negate = *p == '!';
        const char *state = p + negate;
        p = word_end(state, end);
        size_t state_len = (size_t)(p - state);
        p = skip_blanks(p, end);
        if (p == end || *p != '=')
            return; /* glibc gives up on such a list too */
        const char *action = skip_blanks(p + 1, end);
        p = word_end(action, end);
        bool returns = p - action == 6 && strncasecmp(action, "return", 6) == 0;
        for (int i = 0; i < NSTATES; i++) {
            bool match =
                strlen(states[i]) == state_len && strncasecmp(state, states[i], state_len) == 0;
            if (match != negate)
                s->returns[i] = returns;
        }
    }
}

/* Fold service S into V, which has seen the services before it. */
static void judge_service(struct podip_hosts_verdict *v, const struct service *s)
{
    if (v->named)
        return;
    if (token_is(&s->name, "podip")) {
        v->named = true;
        v->notfound_goes_on = !s->returns[NOTFOUND];
        v->unavail_returns = s->returns[UNAVAIL];
    } else if (v->ahead == NULL && (token_is(&s->name, "dns") || token_is(&s->name, "resolve"))) {
        v->ahead = token_is(&s->name, "dns") ? "dns" : "resolve";
        v->ahead_returns = s->returns[NOTFOUND] && s->returns[SUCCESS];
    }
}

struct podip_hosts_verdict podip_hosts_judge(const char *services, size_t n)
{
    struct podip_hosts_verdict v = {0};
    struct service s;
    bool open = false;
    const char *p = services, *end = services + n;
    struct token t;
    while (next_token(&p, end, &t)) {
        if (t.actions) {
            if (open)
                apply_actions(&s, &t);
            continue;
        }
        if (open)
            judge_service(&v, &s);
        s = (struct service){.name = t, .returns = {[SUCCESS] = true}};
        open = true;
    }
    if (open)
        judge_service(&v, &s);
    if (!v.named)
        v.ahead = NULL; /* podip is not behind anything: it is missing */
    return v;
}

bool podip_hosts_sound(const struct podip_hosts_verdict *v)
{
    return v->named && v->ahead == NULL && !v->notfound_goes_on && !v->unavail_returns;
}

struct output {
    char *at;
    size_t size, len;
};

static void put(struct output *o, const char *s, size_t len)
{
    if (o->len < o->size)
        memcpy(o->at + o->len, s, len < o->size - o->len ? len : o->size - o->len);
    o->len += len;
}

size_t podip_hosts_place(const char *text, size_t len, char *out, size_t size)
{
    struct output o = {out, size, 0};
    size_t at, n;
    if (podip_hosts_find(text, len, &at, &n) == 0) {
        static const char line[] = "hosts: " PODIP_HOSTS_ENTRY " " PODIP_HOSTS_DEFAULT "\n";
        put(&o, text, len);
        if (len > 0 && text[len - 1] != '\n')
            put(&o, "\n", 1);
        put(&o, line, sizeof line - 1);
        return o.len;
    }
    if (podip_hosts_judge(text + at, n).named) {
        put(&o, text, len); /* an administrator's line is kept (SPEC §5) */
        return o.len;
    }
    /* before the first resolve or dns, or at the end of the services */
    size_t insert = at + n;
    const char *add = " " PODIP_HOSTS_ENTRY;
    const char *p = text + at, *end = text + at + n;
    struct token t;
    while (next_token(&p, end, &t)) {
        if (token_is(&t, "resolve") || token_is(&t, "dns")) {
            insert = (size_t)(t.at - text);
            add = PODIP_HOSTS_ENTRY " ";
            break;
        }
    }
    put(&o, text, insert);
    put(&o, add, strlen(add));
    put(&o, text + insert, len - insert);
    return o.len;
}
