/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* nss-podip inject (nss-podip(8), SPEC §8): each manifest of tests/inject/
 * against the output beside it, and each input it refuses against its one
 * error line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include <string.h>

#include "../podip_inject.h"

#define REF "registry.example/nss-podip-injector:1"
#define OTHER_REF "other.example/injector:2"

/* Inject TEXT (LEN bytes), named NAME: the output, or the error line. */
static char *inject(const char *name, const char *text, size_t len, const char *image,
                    const char *config_map, bool *ok)
{
    struct podip_inject_options o = {image, config_map};
    struct podip_inject_input in = {name, (char *)text, len};
    char error[PODIP_INJECT_ERROR_MAX], *out;
    size_t out_len;
    *ok = podip_inject(&o, &in, 1, &out, &out_len, error);
    if (!*ok)
        return strdup(error);
    assert_int_equal(strlen(out), out_len); /* no NUL written */
    return out;
}

/* The file NAME of tests/inject, whole. */
static char *fixture(const char *name)
{
    char path[4096], error[PODIP_INJECT_ERROR_MAX];
    struct podip_inject_input in;
    snprintf(path, sizeof path, "%s/%s", INJECT_DIR, name);
    if (!podip_inject_read(path, &in, error))
        fail_msg("%s", error);
    in.text = realloc(in.text, in.len + 1);
    in.text[in.len] = '\0';
    return in.text;
}

/* Fail, showing the first line where GOT and WANT differ. */
static void assert_same(const char *what, const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return;
    size_t at = 0, line = 1;
    for (; got[at] == want[at]; at++)
        line += got[at] == '\n';
    while (at > 0 && got[at - 1] != '\n')
        at--;
    fail_msg("%s: line %zu differs:\n  got:  %.*s\n  want: %.*s", what, line,
             (int)strcspn(got + at, "\n"), got + at, (int)strcspn(want + at, "\n"), want + at);
}

/* Each input, its options, and what comes out (tests/inject/). */
static const struct {
    const char *input;
    const char *config_map;
    const char *want;
} outputs[] = {
    /* one container */
    {"pod.yaml", NULL, "pod.injected.yaml"},
    /* two containers of two images: two setup containers, each container
     * mounting its own K/nsswitch.conf; imagePullPolicy copied */
    {"deployment.yaml", NULL, "deployment.injected.yaml"},
    /* a container sharing its image with an init container: one setup
     * container for both, numbered as the init container comes first */
    {"shared-image.yaml", NULL, "shared-image.injected.yaml"},
    {"cronjob.yaml", NULL, "cronjob.injected.yaml"},
    /* a List's items: a Deployment injected, a ConfigMap unchanged */
    {"list.yaml", NULL, "list.injected.yaml"},
    /* several documents: StatefulSet, DaemonSet, Job, ReplicaSet,
     * ReplicationController, PodTemplate */
    {"workloads.yaml", NULL, "workloads.injected.yaml"},
    /* JSON in, YAML out: blocks, its strings plain where they read the same */
    {"pod.json", NULL, "pod.json.injected.yaml"},
    /* --config-map: a volume, and a mount in each container */
    {"pod.yaml", "podip-settings", "pod.config-map.yaml"},
    /* injecting again with other options replaces the earlier injection */
    {"pod.config-map.yaml", NULL, "pod.injected.yaml"},
    /* anchors, aliases and merge keys (<<) expanded */
    {"anchors.yaml", NULL, "anchors.injected.yaml"},
    /* other kinds, and every style of scalar, byte for byte */
    {"other-kinds.yaml", NULL, "other-kinds.yaml"},
};

static void test_outputs(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char *in = fixture(outputs[i].input), *want = fixture(outputs[i].want);
        bool ok;
        char *got = inject(outputs[i].input, in, strlen(in), REF, outputs[i].config_map, &ok);
        if (!ok)
            fail_msg("%s: %s", outputs[i].input, got);
        assert_same(outputs[i].want, got, want);
        free(in);
        free(want);
        free(got);
    }
}

/* Injecting the output again gives it byte for byte; with another image
 * and no ConfigMap, what injecting the input with those gives. */
static void test_idempotent(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof outputs / sizeof outputs[0]; i++) {
        char *in = fixture(outputs[i].input), *once = fixture(outputs[i].want);
        bool ok;
        char *twice = inject("once", once, strlen(once), REF, outputs[i].config_map, &ok);
        assert_true(ok);
        assert_same(outputs[i].want, twice, once);
        char *other = inject("once", once, strlen(once), OTHER_REF, NULL, &ok);
        assert_true(ok);
        char *direct = inject("input", in, strlen(in), OTHER_REF, NULL, &ok);
        assert_true(ok);
        assert_same(outputs[i].input, other, direct);
        free(in), free(once), free(twice), free(other), free(direct);
    }
}

/* Each input refused, and its one line (the command prints it after
 * "nss-podip inject: "). */
static const struct {
    const char *input;
    const char *config_map;
    const char *error;
} errors[] = {
    /* not YAML */
    {"a: b: c\n", NULL,
     "in.yaml: line 1, column 5: mapping values are not allowed in this context"},
    {"kind: Pod\nspec: [a\n", NULL,
     "in.yaml: line 3, column 1: did not find expected ',' or ']' (while parsing a flow "
     "sequence at line 2, column 7)"},
    {"kind: Pod\nname: \xff\n", NULL, "in.yaml: line 2, column 7: invalid leading UTF-8 octet"},
    {"a: *x\n", NULL, "in.yaml: line 1, column 4: the alias *x names no anchor before it"},
    {"a: &x [*x]\n", NULL, "in.yaml: line 1, column 8: the alias *x is inside the node it names"},
    /* nothing, or not a Kubernetes object */
    {"", NULL, "in.yaml: no Kubernetes object in it"},
    {"# a comment\n---\n...\n", NULL, "in.yaml: no Kubernetes object in it"},
    {"- a\n", NULL,
     "in.yaml: line 1, column 1: not a Kubernetes object: a list, not a mapping with apiVersion "
     "and kind"},
    {"apiVersion: v1\nkind: ConfigMap\n---\nhello\n", NULL,
     "in.yaml: line 4, column 1: not a Kubernetes object: a scalar, not a mapping with "
     "apiVersion and kind"},
    {"apiVersion: v1\nmetadata: {name: x}\n", NULL,
     "in.yaml: line 1, column 1: not a Kubernetes object: no kind"},
    {"kind: Pod\nmetadata: {name: x}\n", NULL,
     "in.yaml: line 1, column 1: not a Kubernetes object: no apiVersion"},
    {"apiVersion: v1\nkind: List\nitems:\n- 3\n", NULL,
     "in.yaml: line 4, column 3: not a Kubernetes object: a scalar, not a mapping with "
     "apiVersion and kind"},
    {"apiVersion: v1\nkind: List\nitems: {}\n", NULL,
     "in.yaml: line 3, column 8: List: items is not a list"},
    /* a pod template without containers, or not as Kubernetes reads one */
    {"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n", NULL,
     "in.yaml: line 5, column 3: Deployment \"web\": no spec.template.spec"},
    {"apiVersion: apps/v1\nkind: Deployment\nspec:\n  template: []\n", NULL,
     "in.yaml: line 4, column 13: Deployment: spec.template is not a mapping"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  restartPolicy: Never\n", NULL,
     "in.yaml: line 4, column 3: Pod: spec has no containers"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers: []\n", NULL,
     "in.yaml: line 4, column 3: Pod: spec has no containers"},
    {"apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers: x\n", NULL,
     "in.yaml: line 6, column 19: Job: spec.template.spec.containers is not a list"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n  volumes: x\n",
     NULL, "in.yaml: line 7, column 12: Pod: spec.volumes is not a list"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - a\n", NULL,
     "in.yaml: line 5, column 5: Pod: spec.containers[0] is not a mapping"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n", NULL,
     "in.yaml: line 5, column 5: Pod: container \"a\" has no image"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  initContainers:\n  - image: ''\n  containers:\n"
     "  - {name: a, image: x}\n",
     NULL, "in.yaml: line 5, column 12: Pod: spec.initContainers[0] has no image"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n"
     "    volumeMounts: {}\n",
     NULL, "in.yaml: line 7, column 19: Pod: container \"a\".volumeMounts is not a list"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - <<: [a]\n", NULL,
     "in.yaml: line 5, column 10: a merge key (<<) takes a mapping or a list of mappings"},
    /* a container that mounts something where podip mounts its own */
    {"apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: a\n"
     "    image: x\n    volumeMounts:\n    - {name: cfg, mountPath: /etc/nsswitch.conf}\n",
     NULL,
     "in.yaml: line 10, column 30: Pod \"web\": container \"a\" already mounts a volume at "
     "/etc/nsswitch.conf, where podip mounts its own"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  initContainers:\n  - name: i\n    image: x\n"
     "    volumeMounts:\n    - {name: lib, mountPath: //usr/lib64//libnss_podip.so.2/}\n"
     "  containers:\n  - {name: a, image: x}\n",
     NULL,
     "in.yaml: line 8, column 30: Pod: init container \"i\" already mounts a volume at "
     "/usr/lib64/libnss_podip.so.2, where podip mounts its own"},
    {"apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n"
     "    volumeMounts:\n    - {name: own, mountPath: /etc/nss-podip.conf}\n",
     "podip-settings",
     "in.yaml: line 8, column 30: Pod: container \"a\" already mounts a volume at "
     "/etc/nss-podip.conf, where podip mounts its own"},
    /* names quoted, so the message stays one line */
    {"apiVersion: v1\nkind: Pod\nmetadata: {name: \"a\\nb\"}\nspec: {}\n", NULL,
     "in.yaml: line 4, column 7: Pod \"a\\x0ab\": spec has no containers"},
};

static void test_errors(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++) {
        bool ok;
        char *got = inject("in.yaml", errors[i].input, strlen(errors[i].input), REF,
                           errors[i].config_map, &ok);
        if (ok)
            fail_msg("row %zu: no error for:\n%s", i, errors[i].input);
        assert_same(errors[i].input, got, errors[i].error);
        assert_null(strchr(got, '\n'));
        free(got);
    }
}

/* Without --config-map, a container's own /etc/nss-podip.conf is its own
 * business: the module reads it. */
static void test_own_config(void **state)
{
    (void)state;
    const char *pod = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n"
                      "    image: x\n    volumeMounts:\n"
                      "    - {name: own, mountPath: /etc/nss-podip.conf}\n";
    bool ok;
    free(inject("in.yaml", pod, strlen(pod), REF, NULL, &ok));
    assert_true(ok);
}

/* Several inputs: one stream, the documents in order, "---" between them;
 * one input refused, nothing. */
static void test_inputs(void **state)
{
    (void)state;
    struct podip_inject_options o = {REF, NULL};
    char *texts[] = {fixture("pod.yaml"), fixture("cronjob.yaml"), fixture("pod.injected.yaml"),
                     fixture("cronjob.injected.yaml")};
    struct podip_inject_input in[] = {{"pod.yaml", texts[0], strlen(texts[0])},
                                      {"cronjob.yaml", texts[1], strlen(texts[1])},
                                      {"empty", "", 0}};
    char error[PODIP_INJECT_ERROR_MAX], *out;
    size_t len;
    assert_true(podip_inject(&o, in, 2, &out, &len, error));
    size_t size = strlen(texts[2]) + strlen(texts[3]) + 5;
    char *want = malloc(size);
    snprintf(want, size, "%s---\n%s", texts[2], texts[3]);
    assert_same("two inputs", out, want);
    free(out);
    free(want);

    assert_false(podip_inject(&o, in, 3, &out, &len, error));
    assert_null(out);
    assert_string_equal(error, "empty: no Kubernetes object in it");
    for (size_t i = 0; i < 4; i++)
        free(texts[i]);
}

static void test_read(void **state)
{
    (void)state;
    struct podip_inject_input in;
    char error[PODIP_INJECT_ERROR_MAX];
    assert_false(podip_inject_read(INJECT_DIR "/none.yaml", &in, error));
    assert_string_equal(error, INJECT_DIR "/none.yaml: cannot be read: No such file or directory");
    assert_null(in.text);
    assert_false(podip_inject_read(INJECT_DIR, &in, error));
    assert_string_equal(error, INJECT_DIR ": cannot be read: Is a directory");
    assert_true(podip_inject_read(INJECT_DIR "/pod.yaml", &in, error));
    assert_string_equal(in.name, INJECT_DIR "/pod.yaml");
    assert_int_equal(in.len, 117);
    free(in.text);
}

/* Nesting, and aliases that expand to a lot (a "billion laughs"): refused
 * with one line, not a crash or a wait. */
static void test_limits(void **state)
{
    (void)state;
    char deep[2 * 1001 + 1];
    memset(deep, '[', 1001);
    memset(deep + 1001, ']', 1001);
    deep[2002] = '\0';
    bool ok;
    char *got = inject("deep", deep, strlen(deep), REF, NULL, &ok);
    assert_false(ok);
    assert_string_equal(got, "deep: line 1, column 1001: nested more than 1000 deep");
    free(got);

    char laughs[4096] = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'j'; c++) {
        size_t used = strlen(laughs);
        used += (size_t)snprintf(laughs + used, sizeof laughs - used, "%c: &%c [", c, c);
        for (int i = 0; i < 10; i++)
            used += (size_t)snprintf(laughs + used, sizeof laughs - used, "*%c, ", c - 1);
        snprintf(laughs + used - 2, sizeof laughs - used + 2, "]\n");
    }
    got = inject("laughs", laughs, strlen(laughs), REF, NULL, &ok);
    assert_false(ok);
    assert_string_equal(got, "laughs: line 6, column 36: its aliases expand to more than "
                             "1000000 nodes");
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_outputs), cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_errors),  cmocka_unit_test(test_own_config),
        cmocka_unit_test(test_inputs),  cmocka_unit_test(test_read),
        cmocka_unit_test(test_limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
