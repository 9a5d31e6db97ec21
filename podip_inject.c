/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip inject (nss-podip(8), SPEC §8). libyaml reads the manifests into
 * a tree of nodes that keeps each scalar's text, style and tag, so that what
 * is not podip's keeps its meaning; aliases and merge keys are expanded, so
 * that each pod spec is changed in one place; libyaml writes the tree out
 * once everything was read and changed. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yaml.h>

#include "config.h"
#include "podip_inject.h"
#include "podip_lex.h"

#define MAX_DEPTH 1000           /* nesting, aliases expanded */
#define MAX_EXPANDED 1000000     /* nodes that a document's aliases expand to */
#define MAX_INPUT (1024ul << 20) /* bytes of one input */
#define SHOWN 60                 /* bytes of a text quoted in a message */
#define CHUNK 65536              /* bytes the nodes are allocated in */

/* What podip adds to a pod spec (nss-podip(8)), filled in for each pod:
 * $IMAGE is the injector image, $CONFIG_MAP the ConfigMap, $APP_IMAGE the
 * image number $K of the pod. The anchors are this text's own. */
static const char parts_yaml[] =
    "volume:\n"
    "  name: nss-podip\n"
    "  emptyDir: {}\n"
    "config-volume:\n"
    "  name: nss-podip-config\n"
    "  configMap:\n"
    "    name: $CONFIG_MAP\n"
    "    items:\n"
    "    - key: nss-podip.conf\n"
    "      path: nss-podip.conf\n"
    "mounts: # every container of image $K\n"
    "- name: nss-podip\n"
    "  mountPath: /etc/nsswitch.conf\n"
    "  subPath: $K/nsswitch.conf\n"
    "  readOnly: true\n"
    "- &lib\n"
    "  name: nss-podip\n"
    "  mountPath: /usr/lib/libnss_podip.so.2\n"
    "  subPath: libnss_podip.so.2\n"
    "  readOnly: true\n"
    "- &lib64\n"
    "  name: nss-podip\n"
    "  mountPath: /usr/lib64/libnss_podip.so.2\n"
    "  subPath: libnss_podip.so.2\n"
    "  readOnly: true\n"
    "config-mount:\n"
    "  name: nss-podip-config\n"
    "  mountPath: /etc/nss-podip.conf\n"
    "  subPath: nss-podip.conf\n"
    "  readOnly: true\n"
    "copy:\n"
    "  name: nss-podip\n"
    "  image: $IMAGE\n"
    "  command: [\"/podip/nss-podip-init\", \"copy\", \"/nss-podip\"]\n"
    "  volumeMounts:\n"
    "  - name: nss-podip\n"
    "    mountPath: /nss-podip\n"
    "  securityContext: &restricted\n"
    "    runAsUser: 65534\n"
    "    runAsGroup: 65534\n"
    "    runAsNonRoot: true\n"
    "    readOnlyRootFilesystem: true\n"
    "    allowPrivilegeEscalation: false\n"
    "    capabilities:\n"
    "      drop: [ALL]\n"
    "    seccompProfile:\n"
    "      type: RuntimeDefault\n"
    "  resources: &small\n"
    "    requests: {cpu: 10m, memory: 16Mi}\n"
    "    limits: {cpu: 100m, memory: 64Mi}\n"
    "  terminationMessagePolicy: FallbackToLogsOnError\n"
    "setup:\n"
    "  name: nss-podip-setup-$K\n"
    "  image: $APP_IMAGE\n"
    "  command: [\"/nss-podip/nss-podip-init\", \"setup\", "
    "\"/nss-podip/$K\"]\n"
    "  volumeMounts:\n"
    "  - name: nss-podip\n"
    "    mountPath: /nss-podip\n"
    "  - *lib\n"
    "  - *lib64\n"
    "  securityContext: *restricted\n"
    "  resources: *small\n"
    "  terminationMessagePolicy: FallbackToLogsOnError\n";

/* Where each kind keeps its pod spec. A kind ending in List holds objects in
 * its items; every other kind comes out as it came in. */
static const struct {
    const char *kind;
    const char *path;
} pod_kinds[] = {
    {"Pod", "spec"},
    {"PodTemplate", "template.spec"},
    {"ReplicationController", "spec.template.spec"},
    {"ReplicaSet", "spec.template.spec"},
    {"Deployment", "spec.template.spec"},
    {"StatefulSet", "spec.template.spec"},
    {"DaemonSet", "spec.template.spec"},
    {"Job", "spec.template.spec"},
    {"CronJob", "spec.jobTemplate.spec.template.spec"},
};

enum node_kind { SCALAR, SEQUENCE, MAPPING, ALIAS };

struct node {
    enum node_kind kind;
    int style;            /* a scalar's yaml_scalar_style_t */
    bool flow;            /* a collection written in flow style */
    const char *tag;      /* as the parser resolved it; NULL where none was written */
    const char *anchor;   /* the anchor it defines; an alias: the one it names */
    const char *text;     /* a scalar's value: LEN bytes (a NUL among them is the value's), */
    size_t len;           /* then a NUL */
    bool plain_implicit;  /* a scalar: its tag may be left out when plain */
    bool quoted_implicit; /* ... when quoted */
    bool implicit;        /* a collection: its tag may be left out */
    bool open;            /* being read: an alias of it would hold itself */
    struct node *target;  /* an alias's node */
    struct node *first;   /* a sequence's first item, a mapping's first key */
    struct node *next;    /* the next item, or the next key */
    struct node *value;   /* a key's value */
    yaml_mark_t mark;     /* where it starts, for the messages */
};

struct document {
    struct node *root;
    struct document *next;
};

struct chunk {
    struct chunk *next;
    max_align_t data[];
};

/* The parts of parts_yaml. */
struct parts {
    const struct node *volume, *config_volume, *mounts, *config_mount, *copy, *setup;
};

/* One run of podip_inject: the nodes' memory, what is being read, the error. */
struct run {
    const struct podip_inject_options *options;
    struct chunk *chunks;
    char *free;
    size_t left;
    const char *file;     /* the input being read or changed */
    const char *object;   /* the object being changed: Deployment "web" */
    unsigned long budget; /* nodes that aliases may still expand to */
    struct parts parts;
    char *error;
};

static void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size);
    if (p == NULL) {
        fputs("nss-podip inject: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

/* SIZE bytes, zeroed, freed with the run. */
static void *alloc(struct run *r, size_t size)
{
    size = (size + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    if (size > r->left) {
        size_t n = size > CHUNK ? size : CHUNK;
        struct chunk *c = xrealloc(NULL, sizeof *c + n);
        c->next = r->chunks;
        r->chunks = c;
        r->free = (char *)c->data;
        r->left = n;
    }
    void *p = r->free;
    r->free += size;
    r->left -= size;
    return memset(p, 0, size);
}

static const char *copy_text(struct run *r, const void *s, size_t len)
{
    char *t = alloc(r, len + 1);
    memcpy(t, s, len);
    return t;
}

/* The error line: FILE: [line L, column C: ][OBJECT: ]what. */
__attribute__((format(printf, 3, 4))) static bool fail(struct run *r, const yaml_mark_t *at,
                                                       const char *fmt, ...)
{
    char *e = r->error;
    size_t size = PODIP_INJECT_ERROR_MAX;
    size_t used = (size_t)snprintf(e, size, "%s: ", r->file);
    if (at != NULL && used < size)
        used += (size_t)snprintf(e + used, size - used, "line %zu, column %zu: ", at->line + 1,
                                 at->column + 1);
    if (r->object != NULL && used < size)
        used += (size_t)snprintf(e + used, size - used, "%s: ", r->object);
    if (used < size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e + used, size - used, fmt, ap);
        va_end(ap);
    }
    return false;
}

/* TEXT (LEN bytes) for a message, in quotes if QUOTED: anything unprintable
 * escaped and at most SHOWN bytes, so that the message stays one short line. */
static const char *quote(struct run *r, const char *s, size_t len, bool quoted)
{
    size_t shown = len < SHOWN ? len : SHOWN;
    char *q = alloc(r, shown * 4 + sizeof "\"\"..."), *p = q;
    if (quoted)
        *p++ = '"';
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            p += sprintf(p, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            p += sprintf(p, "\\x%02x", c);
        else
            *p++ = (char)c;
    }
    strcpy(p, quoted ? "\"" : "");
    if (len > shown)
        strcat(p, "...");
    return q;
}

/* --- the tree ------------------------------------------------------------ */

static bool is_text(const struct node *n, const char *text)
{
    return n != NULL && n->kind == SCALAR && n->len == strlen(text) &&
           memcmp(n->text, text, n->len) == 0;
}

static bool is_null(const struct node *n)
{
    if (n == NULL)
        return true;
    if (n->kind != SCALAR)
        return false;
    if (n->tag != NULL)
        return strcmp(n->tag, YAML_NULL_TAG) == 0;
    return n->style == YAML_PLAIN_SCALAR_STYLE &&
           (n->len == 0 || is_text(n, "~") || is_text(n, "null") || is_text(n, "Null") ||
            is_text(n, "NULL"));
}

/* A scalar that holds a value, such as a name. */
static bool is_string(const struct node *n)
{
    return n != NULL && n->kind == SCALAR && !is_null(n);
}

/* The key KEY of the mapping MAP, or NULL: the last one, as Kubernetes'
 * decoder keeps the last. */
static struct node *key_of(const struct node *map, const char *key)
{
    struct node *found = NULL;
    if (map != NULL && map->kind == MAPPING)
        for (struct node *k = map->first; k != NULL; k = k->next)
            if (is_text(k, key))
                found = k;
    return found;
}

static struct node *get(const struct node *map, const char *key)
{
    struct node *k = key_of(map, key);
    return k != NULL ? k->value : NULL;
}

static void append(struct node *parent, struct node *child)
{
    struct node **link = &parent->first;
    while (*link != NULL)
        link = &(*link)->next;
    *link = child;
}

/* A plain scalar of ours, such as a key. */
static struct node *new_text(struct run *r, const char *text, yaml_mark_t mark)
{
    struct node *n = alloc(r, sizeof *n);
    n->kind = SCALAR;
    n->style = YAML_PLAIN_SCALAR_STYLE;
    n->text = text;
    n->len = strlen(text);
    n->plain_implicit = n->quoted_implicit = true;
    n->mark = mark;
    return n;
}

/* Whether TEXT written plain reads back as that string, in YAML 1.1 and 1.2
 * alike: a letter, then letters, digits, spaces and ./:@_+-, and not a word that
 * reads as a boolean or null. Other texts of the user's are quoted. */
static bool plain_is_string(const char *text)
{
    static const char *const words[] = {"y",   "n",    "yes",   "no",  "on",
                                        "off", "true", "false", "null"};
    if (!podip_is(text[0], PODIP_ALNUM) || podip_is(text[0], PODIP_DIGIT))
        return false;
    for (const char *p = text; *p != '\0'; p++)
        if (!podip_is(*p, PODIP_ALNUM) && strchr(" ./:@_+-", *p) == NULL)
            return false;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(text, words[i]) == 0)
            return false;
    return true;
}

/* A text of the user's, such as --image's: plain where that keeps it a
 * string, else quoted. */
static struct node *user_text(struct run *r, const char *text, yaml_mark_t mark)
{
    struct node *n = new_text(r, text, mark);
    n->style = YAML_ANY_SCALAR_STYLE;
    n->plain_implicit = plain_is_string(text);
    return n;
}

/* A copy of N with nodes of its own and no anchor. ALIAS: where an alias or
 * a merge key asks for it, so that it counts against the document's budget,
 * and what a message points at; NULL for a part podip adds. */
static struct node *copy(struct run *r, const struct node *n, unsigned depth,
                         const yaml_mark_t *alias)
{
    if (depth >= MAX_DEPTH) {
        fail(r, alias, "nested more than %d deep once its aliases are expanded", MAX_DEPTH);
        return NULL;
    }
    if (alias != NULL && r->budget-- == 0) {
        fail(r, alias, "its aliases expand to more than %d nodes", MAX_EXPANDED);
        return NULL;
    }
    struct node *c = alloc(r, sizeof *c);
    *c = *n;
    c->anchor = NULL;
    c->first = c->next = c->value = NULL;
    struct node **link = &c->first;
    for (const struct node *k = n->first; k != NULL; k = k->next, link = &(*link)->next) {
        if ((*link = copy(r, k, depth + 1, alias)) == NULL)
            return NULL;
        if (k->value != NULL && ((*link)->value = copy(r, k->value, depth + 1, alias)) == NULL)
            return NULL;
    }
    return c;
}

/* --- reading ------------------------------------------------------------- */

struct anchor {
    const char *name;
    struct node *node;
    struct anchor *next;
};

struct reader {
    struct run *run;
    yaml_parser_t parser;
    yaml_event_t event;
    const char *text;
    struct anchor *anchors; /* of this document, the latest first */
    bool block; /* this document is JSON (a flow collection): write it as YAML's blocks */
};

static bool parse_error(struct reader *rd)
{
    yaml_parser_t *p = &rd->parser;
    if (p->error == YAML_MEMORY_ERROR)
        return fail(rd->run, NULL, "out of memory");
    if (p->error == YAML_READER_ERROR) { /* not text: found at a byte offset */
        yaml_mark_t at = {p->problem_offset, 0, 0};
        for (size_t i = 0; i < p->problem_offset; i++, at.column++)
            if (rd->text[i] == '\n')
                at.line++, at.column = (size_t)-1;
        return fail(rd->run, &at, "%s", p->problem);
    }
    if (p->context != NULL)
        return fail(rd->run, &p->problem_mark, "%s (%s at line %zu, column %zu)", p->problem,
                    p->context, p->context_mark.line + 1, p->context_mark.column + 1);
    return fail(rd->run, &p->problem_mark, "%s", p->problem);
}

static bool next_event(struct reader *rd)
{
    yaml_event_delete(&rd->event);
    return yaml_parser_parse(&rd->parser, &rd->event) || parse_error(rd);
}

static void define_anchor(struct reader *rd, struct node *n, const yaml_char_t *name)
{
    if (name == NULL)
        return;
    struct anchor *a = alloc(rd->run, sizeof *a);
    n->anchor = a->name = copy_text(rd->run, name, strlen((const char *)name));
    a->node = n;
    a->next = rd->anchors;
    rd->anchors = a;
}

static bool resolve_alias(struct reader *rd, struct node *n, const yaml_char_t *name)
{
    n->kind = ALIAS;
    for (const struct anchor *a = rd->anchors; a != NULL; a = a->next)
        if (strcmp(a->name, (const char *)name) == 0) {
            if (a->node->open)
                return fail(rd->run, &n->mark, "the alias *%s is inside the node it names",
                            a->name);
            n->target = a->node;
            return true;
        }
    return fail(rd->run, &n->mark, "the alias *%s names no anchor before it", (const char *)name);
}

/* The node whose first event is the current one. */
static struct node *read_node(struct reader *rd, unsigned depth)
{
    struct run *r = rd->run;
    yaml_event_t *e = &rd->event;
    if (depth >= MAX_DEPTH) {
        fail(r, &e->start_mark, "nested more than %d deep", MAX_DEPTH);
        return NULL;
    }
    struct node *n = alloc(r, sizeof *n);
    n->mark = e->start_mark;
    const yaml_char_t *anchor = NULL, *tag = NULL;
    switch (e->type) {
    case YAML_ALIAS_EVENT:
        return resolve_alias(rd, n, e->data.alias.anchor) ? n : NULL;
    case YAML_SCALAR_EVENT:
        n->kind = SCALAR;
        anchor = e->data.scalar.anchor;
        tag = e->data.scalar.tag;
        n->text = copy_text(r, e->data.scalar.value, e->data.scalar.length);
        n->len = e->data.scalar.length;
        n->style = e->data.scalar.style;
        n->plain_implicit = e->data.scalar.plain_implicit;
        n->quoted_implicit = e->data.scalar.quoted_implicit;
        break;
    case YAML_SEQUENCE_START_EVENT:
        n->kind = SEQUENCE;
        anchor = e->data.sequence_start.anchor;
        tag = e->data.sequence_start.tag;
        n->implicit = e->data.sequence_start.implicit;
        n->flow = e->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
        break;
    case YAML_MAPPING_START_EVENT:
        n->kind = MAPPING;
        anchor = e->data.mapping_start.anchor;
        tag = e->data.mapping_start.tag;
        n->implicit = e->data.mapping_start.implicit;
        n->flow = e->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE;
        break;
    default:
        fail(r, &e->start_mark, "unexpected YAML event %d", e->type);
        return NULL;
    }
    rd->block |= depth == 0 && n->flow;
    n->flow &= !rd->block;
    if (n->kind == SCALAR && rd->block && tag == NULL && n->len == strlen(n->text) &&
        n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && plain_is_string(n->text)) {
        /* JSON's strings, plain where that reads back the same */
        n->style = YAML_PLAIN_SCALAR_STYLE;
        n->plain_implicit = true;
    }
    if (tag != NULL && strcmp((const char *)tag, "!") == 0) {
        /* the non-specific tag: a string, or a plain collection */
        n->plain_implicit = false;
        n->quoted_implicit = n->implicit = true;
    } else if (tag != NULL) {
        n->tag = copy_text(r, tag, strlen((const char *)tag));
    }
    define_anchor(rd, n, anchor);
    if (n->kind == SCALAR)
        return n;
    n->open = true;
    for (struct node **link = &n->first;; link = &(*link)->next) {
        if (!next_event(rd))
            return NULL;
        if (e->type == YAML_SEQUENCE_END_EVENT || e->type == YAML_MAPPING_END_EVENT)
            break;
        if ((*link = read_node(rd, depth + 1)) == NULL)
            return NULL;
        if (n->kind == MAPPING &&
            (!next_event(rd) || ((*link)->value = read_node(rd, depth + 1)) == NULL))
            return NULL;
    }
    n->open = false;
    return n;
}

static bool is_merge_key(const struct node *k)
{
    return k->kind == SCALAR &&
           (k->tag != NULL ? strcmp(k->tag, "tag:yaml.org,2002:merge") == 0
                           : k->style == YAML_PLAIN_SCALAR_STYLE && is_text(k, "<<"));
}

/* Whether the list of keys from FIRST sets KEY (a merge key sets nothing). */
static bool sets(const struct node *first, const struct node *key)
{
    for (const struct node *k = first; k != NULL; k = k->next)
        if (!is_merge_key(k) && k->kind == SCALAR && key->kind == SCALAR && k->len == key->len &&
            memcmp(k->text, key->text, k->len) == 0)
            return true;
    return false;
}

/* MAP with each merge key (<<) replaced, in its place, by the pairs it
 * merges that MAP does not set: YAML's merge, where the keys written in
 * MAP win, then the earlier merges. */
static struct node *merge(struct run *r, struct node *map, unsigned depth)
{
    for (struct node **link = &map->first; *link != NULL;) {
        struct node *k = *link;
        if (!is_merge_key(k)) {
            link = &k->next;
            continue;
        }
        const struct node *v = k->value, *from = v->kind == SEQUENCE ? v->first : v;
        struct node *merged = NULL, **tail = &merged;
        for (; from != NULL; from = v->kind == SEQUENCE ? from->next : NULL) {
            if (from->kind != MAPPING) {
                fail(r, &from->mark, "a merge key (<<) takes a mapping or a list of mappings");
                return NULL;
            }
            for (const struct node *p = from->first; p != NULL; p = p->next) {
                if (sets(map->first, p) || sets(merged, p))
                    continue;
                if ((*tail = copy(r, p, depth + 1, &k->mark)) == NULL ||
                    ((*tail)->value = copy(r, p->value, depth + 1, &k->mark)) == NULL)
                    return NULL;
                tail = &(*tail)->next;
            }
        }
        *tail = k->next;
        *link = merged;
    }
    return map;
}

/* N as Kubernetes' decoder sees it: each alias replaced by a copy of its
 * node, each merge key merged; so that no node is in two places. */
static struct node *flatten(struct run *r, struct node *n, unsigned depth)
{
    if (n->kind == ALIAS) /* its node came first, so it is flat already */
        return copy(r, n->target, depth, &n->mark);
    n->anchor = NULL;
    for (struct node **link = &n->first; *link != NULL; link = &(*link)->next) {
        struct node *k = *link, *next = k->next;
        if ((*link = flatten(r, k, depth + 1)) == NULL)
            return NULL;
        (*link)->next = next;
        if (k->value != NULL && ((*link)->value = flatten(r, k->value, depth + 1)) == NULL)
            return NULL;
    }
    return n->kind == MAPPING ? merge(r, n, depth) : n;
}

/* Read the YAML stream TEXT (LEN bytes), named NAME, and append its
 * documents but the empty ones at *TAIL; *COUNT: how many. */
static bool read_stream(struct run *r, const char *name, const char *text, size_t len,
                        struct document ***tail, unsigned *count)
{
    struct reader rd = {.run = r, .text = text};
    r->file = name;
    r->object = NULL;
    *count = 0;
    if (!yaml_parser_initialize(&rd.parser))
        return fail(r, NULL, "out of memory");
    yaml_parser_set_input_string(&rd.parser, (const unsigned char *)text, len);
    bool ok = next_event(&rd); /* the stream's start */
    while (ok && next_event(&rd) && rd.event.type == YAML_DOCUMENT_START_EVENT) {
        struct node *root = NULL;
        rd.anchors = NULL;
        rd.block = false;
        r->budget = MAX_EXPANDED;
        ok = next_event(&rd) && (root = read_node(&rd, 0)) != NULL &&
             next_event(&rd) /* its end */ && (root = flatten(r, root, 0)) != NULL;
        if (ok && !is_null(root)) { /* kubectl skips an empty document too */
            struct document *d = alloc(r, sizeof *d);
            d->root = root;
            **tail = d;
            *tail = &d->next;
            ++*count;
        }
    }
    ok = ok && rd.event.type == YAML_STREAM_END_EVENT;
    yaml_event_delete(&rd.event);
    yaml_parser_delete(&rd.parser);
    return ok;
}

/* --- writing ------------------------------------------------------------- */

struct text {
    char *data;
    size_t len, size;
};

static int collect(void *data, unsigned char *bytes, size_t size)
{
    struct text *t = data;
    if (size >= t->size - t->len) {
        t->size = (t->len + size + 1) * 2;
        t->data = xrealloc(t->data, t->size);
    }
    memcpy(t->data + t->len, bytes, size);
    t->len += size;
    t->data[t->len] = '\0';
    return 1;
}

/* Emit E, made by a yaml_*_event_initialize that returned OK. */
static bool emit(struct run *r, yaml_emitter_t *em, bool ok, yaml_event_t *e)
{
    if (ok && yaml_emitter_emit(em, e))
        return true;
    return fail(r, NULL, "cannot write YAML: %s", em->problem ? em->problem : "out of memory");
}

/* N, flat (no alias, no anchor). */
static bool write_node(struct run *r, yaml_emitter_t *em, const struct node *n)
{
    yaml_event_t e;
    yaml_char_t *tag = (yaml_char_t *)n->tag;
    bool ok;
    switch (n->kind) {
    case SCALAR:
        return emit(r, em,
                    yaml_scalar_event_initialize(&e, NULL, tag, (yaml_char_t *)n->text, (int)n->len,
                                                 n->plain_implicit, n->quoted_implicit, n->style),
                    &e);
    case SEQUENCE:
        ok = emit(r, em,
                  yaml_sequence_start_event_initialize(&e, NULL, tag, n->implicit,
                                                       n->flow ? YAML_FLOW_SEQUENCE_STYLE
                                                               : YAML_BLOCK_SEQUENCE_STYLE),
                  &e);
        break;
    default:
        ok = emit(r, em,
                  yaml_mapping_start_event_initialize(&e, NULL, tag, n->implicit,
                                                      n->flow ? YAML_FLOW_MAPPING_STYLE
                                                              : YAML_BLOCK_MAPPING_STYLE),
                  &e);
    }
    for (const struct node *k = ok ? n->first : NULL; k != NULL && ok; k = k->next)
        ok = write_node(r, em, k) && (k->value == NULL || write_node(r, em, k->value));
    return ok && emit(r, em,
                      n->kind == SEQUENCE ? yaml_sequence_end_event_initialize(&e)
                                          : yaml_mapping_end_event_initialize(&e),
                      &e);
}

/* The documents as one YAML stream: block style, two spaces, no line folded. */
static bool write_stream(struct run *r, const struct document *docs, struct text *out)
{
    yaml_emitter_t em;
    yaml_event_t e;
    r->file = "the output";
    r->object = NULL;
    if (!yaml_emitter_initialize(&em))
        return fail(r, NULL, "out of memory");
    yaml_emitter_set_output(&em, collect, out);
    yaml_emitter_set_unicode(&em, 1);
    yaml_emitter_set_width(&em, -1);
    bool ok = emit(r, &em, yaml_stream_start_event_initialize(&e, YAML_UTF8_ENCODING), &e);
    for (const struct document *d = docs; d != NULL && ok; d = d->next)
        ok = emit(r, &em, yaml_document_start_event_initialize(&e, NULL, NULL, NULL, 1), &e) &&
             write_node(r, &em, d->root) &&
             emit(r, &em, yaml_document_end_event_initialize(&e, 1), &e);
    ok = ok && emit(r, &em, yaml_stream_end_event_initialize(&e), &e);
    yaml_emitter_delete(&em);
    return ok;
}

/* --- what podip adds ----------------------------------------------------- */

static bool read_parts(struct run *r)
{
    struct document *doc = NULL, **tail = &doc;
    unsigned count;
    if (!read_stream(r, "parts_yaml", parts_yaml, sizeof parts_yaml - 1, &tail, &count))
        return false;
    struct parts *p = &r->parts;
    p->volume = get(doc->root, "volume");
    p->config_volume = get(doc->root, "config-volume");
    p->mounts = get(doc->root, "mounts");
    p->config_mount = get(doc->root, "config-mount");
    p->copy = get(doc->root, "copy");
    p->setup = get(doc->root, "setup");
    return true;
}

/* What a part is filled in with. */
struct fill {
    unsigned k;
    const struct node *image, *app_image, *config_map;
};

/* TEXT with each $K replaced by K. */
static const char *fill_k(struct run *r, const char *text, unsigned k)
{
    const char *at = strstr(text, "$K");
    if (at == NULL)
        return text;
    size_t size = strlen(text) + 3 * sizeof k;
    char *t = alloc(r, size);
    snprintf(t, size, "%.*s%u%s", (int)(at - text), text, k, fill_k(r, at + 2, k));
    return t;
}

static void fill_in(struct run *r, struct node *n, const struct fill *f)
{
    for (struct node *k = n->first; k != NULL; k = k->next) {
        fill_in(r, k, f);
        if (k->value != NULL)
            fill_in(r, k->value, f);
    }
    if (n->kind != SCALAR)
        return;
    const struct node *value = is_text(n, "$IMAGE")        ? f->image
                               : is_text(n, "$APP_IMAGE")  ? f->app_image
                               : is_text(n, "$CONFIG_MAP") ? f->config_map
                                                           : NULL;
    if (value != NULL) { /* a scalar: its text, style and tag */
        struct node *next = n->next;
        *n = *value;
        n->next = next;
    } else {
        n->text = fill_k(r, n->text, f->k);
        n->len = strlen(n->text);
    }
}

static struct node *part(struct run *r, const struct node *part, const struct fill *f)
{
    struct node *n = copy(r, part, 0, NULL);
    fill_in(r, n, f);
    return n;
}

/* --- the pod spec -------------------------------------------------------- */

/* Whether the volume or mount N is one of podip's, which an earlier
 * injection added. */
static bool ours(const struct run *r, const struct node *n)
{
    const struct node *name = get(n, "name");
    return is_text(name, get(r->parts.volume, "name")->text) ||
           is_text(name, get(r->parts.config_volume, "name")->text);
}

/* Whether the init container N is podip's: named as copy, or as setup
 * with a number for $K. */
static bool ours_init(const struct run *r, const struct node *n)
{
    const struct node *name = get(n, "name");
    if (!is_string(name))
        return false;
    if (is_text(name, get(r->parts.copy, "name")->text))
        return true;
    const char *pattern = get(r->parts.setup, "name")->text;
    size_t prefix = strcspn(pattern, "$");
    if (name->len <= prefix || memcmp(name->text, pattern, prefix) != 0 ||
        name->text[prefix] == '0')
        return false;
    return strspn(name->text + prefix, "0123456789") == name->len - prefix;
}

/* Drop the items of LIST that OURS says podip added. */
static void drop(const struct run *r, struct node *list,
                 bool (*is_ours)(const struct run *, const struct node *))
{
    for (struct node **link = list != NULL ? &list->first : NULL; link != NULL && *link != NULL;)
        if (is_ours(r, *link))
            *link = (*link)->next;
        else
            link = &(*link)->next;
}

/* The list KEY of MAP in *LIST, NULL where there is none; false if it is
 * something else. */
static bool list_at(struct run *r, const struct node *map, const char *key, const char *path,
                    struct node **list)
{
    *list = get(map, key);
    if (is_null(*list)) {
        *list = NULL;
        return true;
    }
    return (*list)->kind == SEQUENCE ||
           fail(r, &(*list)->mark, "%s%s%s is not a list", path, *path ? "." : "", key);
}

/* The list KEY of MAP, made where there is none; block style where it was
 * empty, so that the items podip adds are written one a line. */
static struct node *make_list(struct run *r, struct node *map, const char *key)
{
    struct node *k = key_of(map, key);
    if (k == NULL) {
        k = new_text(r, key, map->mark);
        append(map, k);
    }
    if (is_null(k->value)) {
        k->value = alloc(r, sizeof *k->value);
        k->value->kind = SEQUENCE;
        k->value->implicit = true;
        k->value->mark = map->mark;
    }
    if (k->value->first == NULL)
        k->value->flow = false;
    return k->value;
}

/* The canonical text of a path: no repeated '/', none at the end. */
static const char *clean_path(struct run *r, const struct node *path)
{
    char *clean = alloc(r, path->len + 1), *p = clean;
    for (size_t i = 0; i < path->len; i++)
        if (path->text[i] != '/' || p == clean || p[-1] != '/')
            *p++ = path->text[i];
    if (p > clean + 1 && p[-1] == '/')
        p--;
    *p = '\0';
    return clean;
}

/* The images of a pod, numbered from 1 in the order they first appear. */
struct image {
    const struct node *image;  /* the first container's image */
    const struct node *policy; /* ... and its imagePullPolicy key, or NULL */
    struct image *next;
};

static unsigned image_number(struct run *r, struct image **images, const struct node *container)
{
    const struct node *image = get(container, "image");
    unsigned k = 1;
    struct image **link = images;
    for (; *link != NULL; link = &(*link)->next, k++)
        if ((*link)->image->len == image->len &&
            memcmp((*link)->image->text, image->text, image->len) == 0)
            return k;
    *link = alloc(r, sizeof **link);
    (*link)->image = image;
    (*link)->policy = key_of(container, "imagePullPolicy");
    return k;
}

/* Whether podip mounts something at PATH in the pod's containers. */
static bool podip_mounts_at(const struct run *r, const char *path)
{
    for (const struct node *m = r->parts.mounts->first; m != NULL; m = m->next)
        if (is_text(get(m, "mountPath"), path))
            return true;
    return r->options->config_map != NULL && is_text(get(r->parts.config_mount, "mountPath"), path);
}

/* How a message names container N: container "web", or by its place. */
static const char *container_name(struct run *r, const struct node *n, const char *path,
                                  const char *list, unsigned i)
{
    const struct node *name = get(n, "name");
    const char *kind = strcmp(list, "initContainers") == 0 ? "init container" : "container";
    const char *quoted = is_string(name) ? quote(r, name->text, name->len, true) : NULL;
    size_t size = strlen(path) + strlen(list) + 32 + (quoted ? strlen(quoted) : 0);
    char *text = alloc(r, size);
    if (quoted != NULL)
        snprintf(text, size, "%s %s", kind, quoted);
    else
        snprintf(text, size, "%s.%s[%u]", path, list, i);
    return text;
}

/* Check container N of LIST (checked to be a mapping) before anything
 * changes: its image, and no mount of its own where podip mounts one. */
static bool check_container(struct run *r, const struct node *n, const char *path, const char *list,
                            unsigned i)
{
    const char *name = container_name(r, n, path, list, i);
    struct node *mounts;
    if (!list_at(r, n, "volumeMounts", name, &mounts))
        return false;
    const struct node *image = get(n, "image");
    if (!is_string(image) || image->len == 0)
        return fail(r, image != NULL ? &image->mark : &n->mark, "%s has no image", name);
    for (const struct node *m = mounts != NULL ? mounts->first : NULL; m != NULL; m = m->next) {
        const struct node *path_node = get(m, "mountPath");
        if (!is_string(path_node) || ours(r, m))
            continue;
        const char *at = clean_path(r, path_node);
        if (podip_mounts_at(r, at))
            return fail(r, &path_node->mark,
                        "%s already mounts a volume at %s, where podip mounts its own", name, at);
    }
    return true;
}

/* SPEC §8 in one pod spec: first what an earlier injection added is
 * removed, so that injecting again gives the same. */
static bool inject_pod_spec(struct run *r, struct node *spec, const char *path)
{
    const struct podip_inject_options *o = r->options;
    struct node *containers, *init, *volumes;
    if (!list_at(r, spec, "containers", path, &containers) ||
        !list_at(r, spec, "initContainers", path, &init) ||
        !list_at(r, spec, "volumes", path, &volumes))
        return false;
    if (containers == NULL || containers->first == NULL)
        return fail(r, &spec->mark, "%s has no containers", path);
    drop(r, volumes, ours);
    drop(r, init, ours_init);

    /* the pod's own containers, init containers first */
    struct node *lists[] = {init, containers};
    const char *names[] = {"initContainers", "containers"};
    struct image *images = NULL;
    for (unsigned l = 0; l < 2; l++) {
        unsigned i = 0;
        for (struct node *c = lists[l] != NULL ? lists[l]->first : NULL; c != NULL;
             c = c->next, i++) {
            if (c->kind != MAPPING)
                return fail(r, &c->mark, "%s.%s[%u] is not a mapping", path, names[l], i);
            drop(r, get(c, "volumeMounts"), ours);
            if (!check_container(r, c, path, names[l], i))
                return false;
            image_number(r, &images, c);
        }
    }

    struct fill f = {0};
    f.image = user_text(r, o->image, spec->mark);
    f.config_map = o->config_map != NULL ? user_text(r, o->config_map, spec->mark) : NULL;
    struct node *list = make_list(r, spec, "volumes");
    append(list, part(r, r->parts.volume, &f));
    if (o->config_map != NULL)
        append(list, part(r, r->parts.config_volume, &f));

    for (unsigned l = 0; l < 2; l++)
        for (struct node *c = lists[l] != NULL ? lists[l]->first : NULL; c != NULL; c = c->next) {
            f.k = image_number(r, &images, c);
            list = make_list(r, c, "volumeMounts");
            for (const struct node *m = r->parts.mounts->first; m != NULL; m = m->next)
                append(list, part(r, m, &f));
            if (o->config_map != NULL)
                append(list, part(r, r->parts.config_mount, &f));
        }

    /* podip's init containers, in front of the pod's own */
    list = make_list(r, spec, "initContainers");
    struct node *theirs = list->first, **link = &list->first;
    *link = part(r, r->parts.copy, &f);
    f.k = 0;
    for (const struct image *i = images; i != NULL; i = i->next) {
        f.k++;
        f.app_image = i->image;
        link = &(*link)->next;
        *link = part(r, r->parts.setup, &f);
        if (i->policy != NULL) { /* after the image */
            struct node *image = key_of(*link, "image"), *policy = copy(r, i->policy, 0, NULL);
            policy->value = copy(r, i->policy->value, 0, NULL);
            policy->next = image->next;
            image->next = policy;
        }
        if (o->config_map != NULL)
            append(get(*link, "volumeMounts"), part(r, r->parts.config_mount, &f));
    }
    (*link)->next = theirs;
    return true;
}

/* --- objects ------------------------------------------------------------- */

/* The pod spec at PATH (dots between keys) of OBJ. */
static bool pod_spec_at(struct run *r, struct node *obj, const char *path, struct node **spec)
{
    struct node *n = obj;
    for (const char *key = path; *key != '\0';) {
        size_t len = strcspn(key, ".");
        char name[32];
        snprintf(name, sizeof name, "%.*s", (int)len, key);
        const struct node *parent = n;
        n = get(n, name);
        if (is_null(n))
            return fail(r, &parent->mark, "no %s", path);
        if (n->kind != MAPPING)
            return fail(r, &n->mark, "%.*s is not a mapping", (int)(key - path + len), path);
        key += len + (key[len] == '.');
    }
    *spec = n;
    return true;
}

/* The object OBJ of a document, or of a list's items. */
static bool inject_object(struct run *r, struct node *obj)
{
    r->object = NULL;
    if (obj->kind != MAPPING)
        return fail(r, &obj->mark,
                    "not a Kubernetes object: a %s, not a mapping with apiVersion and kind",
                    obj->kind == SEQUENCE ? "list" : "scalar");
    const struct node *kind = get(obj, "kind");
    if (!is_string(kind))
        return fail(r, &obj->mark, "not a Kubernetes object: no kind");
    if (!is_string(get(obj, "apiVersion")))
        return fail(r, &obj->mark, "not a Kubernetes object: no apiVersion");
    const struct node *name = get(get(obj, "metadata"), "name");
    const char *label = quote(r, kind->text, kind->len, false);
    if (is_string(name)) {
        const char *q = quote(r, name->text, name->len, true);
        size_t size = strlen(label) + strlen(q) + 2;
        char *t = alloc(r, size);
        snprintf(t, size, "%s %s", label, q);
        label = t;
    }

    if (kind->len >= 4 && memcmp(kind->text + kind->len - 4, "List", 4) == 0) {
        struct node *items;
        r->object = label;
        if (!list_at(r, obj, "items", "", &items))
            return false;
        for (struct node *i = items != NULL ? items->first : NULL; i != NULL; i = i->next)
            if (!inject_object(r, i))
                return false;
        return true;
    }
    for (size_t i = 0; i < sizeof pod_kinds / sizeof pod_kinds[0]; i++)
        if (is_text(kind, pod_kinds[i].kind)) {
            struct node *spec = NULL;
            r->object = label;
            return pod_spec_at(r, obj, pod_kinds[i].path, &spec) &&
                   inject_pod_spec(r, spec, pod_kinds[i].path);
        }
    return true;
}

bool podip_inject(const struct podip_inject_options *options, const struct podip_inject_input *in,
                  size_t n, char **out, size_t *len, char error[PODIP_INJECT_ERROR_MAX])
{
    struct run r = {.options = options, .error = error};
    struct document *docs = NULL, **tail = &docs;
    struct text text = {0};
    bool ok = read_parts(&r);
    for (size_t i = 0; i < n && ok; i++) {
        struct document **first = tail;
        unsigned count;
        ok = read_stream(&r, in[i].name, in[i].text, in[i].len, &tail, &count) &&
             (count > 0 || fail(&r, NULL, "no Kubernetes object in it"));
        for (struct document *d = *first; d != NULL && ok; d = d->next)
            ok = inject_object(&r, d->root);
    }
    ok = ok && write_stream(&r, docs, &text);
    while (r.chunks != NULL) {
        struct chunk *next = r.chunks->next;
        free(r.chunks);
        r.chunks = next;
    }
    if (!ok) {
        free(text.data);
        text.data = NULL;
        text.len = 0;
    }
    *out = text.data;
    *len = text.len;
    return ok;
}

/* --- the command --------------------------------------------------------- */

bool podip_inject_read(const char *path, struct podip_inject_input *in,
                       char error[PODIP_INJECT_ERROR_MAX])
{
    bool is_stdin = strcmp(path, "-") == 0;
    in->name = is_stdin ? "standard input" : path;
    in->text = NULL;
    in->len = 0;
    int fd = is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
    for (size_t size = 0; fd >= 0;) {
        if (in->len == size) {
            if (size > MAX_INPUT) {
                snprintf(error, PODIP_INJECT_ERROR_MAX, "%s: larger than %lu MiB", in->name,
                         MAX_INPUT >> 20);
                err = EFBIG;
                break;
            }
            size = size == 0 ? CHUNK : size * 2 > MAX_INPUT ? MAX_INPUT + 1 : size * 2;
            in->text = xrealloc(in->text, size);
        }
        ssize_t got = read(fd, in->text + in->len, size - in->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            err = got < 0 ? errno : 0;
            break;
        }
        in->len += (size_t)got;
    }
    if (fd > 0)
        close(fd);
    if (err == 0)
        return true;
    if (err != EFBIG)
        snprintf(error, PODIP_INJECT_ERROR_MAX, "%s: cannot be read: %s", in->name, strerror(err));
    free(in->text);
    in->text = NULL;
    return false;
}

#define USAGE "nss-podip inject [--image REF] [--config-map NAME] [FILE...]"

__attribute__((format(printf, 1, 2))) static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("nss-podip inject: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs(" (usage: " USAGE ")\n", stderr);
    return 2;
}

/* An image reference as a container's image holds it: printable ASCII, no space. */
static bool image_valid(const char *s)
{
    for (const char *p = s; *p != '\0'; p++)
        if (*p <= ' ' || *p >= 0x7f)
            return false;
    return *s != '\0';
}

/* A ConfigMap's name: a DNS subdomain (lowercase letters, digits, '-' and
 * '.'; each label starting and ending with a letter or digit), at most 253. */
static bool config_map_valid(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len > PODIP_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool edge = i == 0 || i == len - 1 || s[i - 1] == '.' || s[i + 1] == '.';
        if (s[i] >= 'A' && s[i] <= 'Z')
            return false;
        if (!podip_is(s[i], PODIP_ALNUM) && (edge || (s[i] != '-' && s[i] != '.')))
            return false;
    }
    return true;
}

int podip_inject_command(int argc, char **argv)
{
    static const struct option long_options[] = {
        {"image", required_argument, NULL, 'i'},
        {"config-map", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct podip_inject_options o = {PODIP_INJECTOR_IMAGE, NULL};
    opterr = 0;
    optind = 1;
    for (int c; (c = getopt_long(argc, argv, ":h", long_options, NULL)) != -1;) {
        switch (c) {
        case 'i':
            o.image = optarg;
            break;
        case 'c':
            o.config_map = optarg;
            break;
        case 'h':
            printf("usage: " USAGE "\n"
                   "Write the Kubernetes manifests of each FILE (or standard input) with podip\n"
                   "added to every pod template. --image names the injector image (default\n"
                   "%s); --config-map mounts that ConfigMap's nss-podip.conf. See nss-podip(8).\n",
                   PODIP_INJECTOR_IMAGE);
            return 0;
        case ':':
            return usage_error("%s needs a value", argv[optind - 1]);
        default:
            return usage_error("unknown option %s", argv[optind - 1]);
        }
    }
    if (!image_valid(o.image))
        return usage_error("--image: not an image reference: \"%s\"", o.image);
    if (o.config_map != NULL && !config_map_valid(o.config_map))
        return usage_error("--config-map: not a ConfigMap name (lowercase letters, digits, '-' "
                           "and '.', starting and ending with a letter or digit): \"%s\"",
                           o.config_map);

    static char *const standard_input[] = {"-"};
    char *const *paths = optind < argc ? argv + optind : standard_input;
    size_t n = optind < argc ? (size_t)(argc - optind) : 1;
    struct podip_inject_input *in = xrealloc(NULL, n * sizeof *in);
    char error[PODIP_INJECT_ERROR_MAX], *out = NULL;
    size_t len = 0, read = 0;
    bool ok = true;
    while (read < n && ok)
        ok = podip_inject_read(paths[read], &in[read], error), read += ok;
    ok = ok && podip_inject(&o, in, n, &out, &len, error);
    for (size_t i = 0; i < read; i++)
        free(in[i].text);
    free(in);
    if (!ok) {
        fprintf(stderr, "nss-podip inject: %s\n", error);
        return 1;
    }
    ok = fwrite(out, 1, len, stdout) == len && fflush(stdout) == 0;
    free(out);
    if (!ok) {
        fprintf(stderr, "nss-podip inject: standard output: %s\n", strerror(errno));
        return 1;
    }
    return 0;
}
