#!/bin/sh
# nss-podip inject through the built command (nss-podip(8), SPEC §8): its
# output, its exit statuses, one line on standard error and nothing on
# standard output when it refuses, FILE arguments and `-`; every manifest of
# tests/inject read back by another YAML reader (PyYAML) with podip's parts
# where nss-podip(8) puts them and everything else as it was; and that the
# command needs glibc alone, as it is copied into images.
set -u
. "${top_srcdir:-.}/tests/lib.sh"
need_cmd python3 objdump
python3 -c 'import yaml' 2>/dev/null || skip_or_fail "$0 needs PyYAML (python3-yaml)"
tool=$build/nss-podip
dir=${top_srcdir:-.}/tests/inject
ref=registry.example/nss-podip-injector:1
inject() { "$tool" inject "$@"; }

# refused DESC WANT_EXIT WANT_STDERR CMD [ARG...]: CMD exits WANT_EXIT,
# writes nothing on standard output and the one line WANT_STDERR on
# standard error.
refused() {
    _desc=$1 _want_rc=$2 _want_err=$3
    shift 3
    _rc=0
    "$@" >"$tmp/out" 2>"$tmp/err" || _rc=$?
    if [ "$_rc" = "$_want_rc" ] && [ ! -s "$tmp/out" ] && [ "$(wc -l <"$tmp/err")" = 1 ] &&
        [ "$(cat "$tmp/err")" = "$_want_err" ]; then
        pass "$_desc"
        return 0
    fi
    fail "$_desc"
    printf '  command: %s\n  want (exit %s): %s\n  got (exit %s), stderr:\n' "$*" "$_want_rc" \
        "$_want_err" "$_rc"
    cat "$tmp/err"
    [ ! -s "$tmp/out" ] || { echo "  and stdout:"; head -5 "$tmp/out"; }
}

echo "# the command"
needed=$(objdump -p "$tool" | awk '$1 == "NEEDED" {print $2}' | sort | paste -sd' ')
# (libdl and libpthread are glibc's too, on glibc < 2.34)
check "it needs glibc alone, libyaml linked in: $needed" 0 libc.so.6 \
    sh -c "echo '$needed' | tr ' ' '\n' | grep -v -x -e libdl.so.2 -e libpthread.so.0 -e 'ld-linux.*'"
default=$(sed -n 's/^#define PODIP_INJECTOR_IMAGE "\(.*\)"$/\1/p' "$build/config.h")
check "without --image, the image configure was given ($default)" 0 "$default" \
    sh -c "'$tool' inject '$dir/pod.yaml' | sed -n 's/^    image: //p' | sed -n 2p"
check "nss-podip --help names inject" 0 \
    "       nss-podip inject [--image REF] [--config-map NAME] [FILE...]" \
    sh -c "'$tool' --help | grep 'nss-podip inject'"
check "inject --help: exit 0" 0 "usage: nss-podip inject [--image REF] [--config-map NAME] [FILE...]" \
    sh -c "'$tool' inject --help | head -1"

echo "# FILE arguments and standard input"
cat "$dir/pod.injected.yaml" >"$tmp/two"
echo --- >>"$tmp/two"
cat "$dir/cronjob.injected.yaml" >>"$tmp/two"
check "no FILE: standard input" 0 "$(cat "$dir/pod.injected.yaml")" \
    sh -c "'$tool' inject --image $ref <'$dir/pod.yaml'"
check "two FILEs: one stream, in order" 0 "$(cat "$tmp/two")" \
    inject --image "$ref" "$dir/pod.yaml" "$dir/cronjob.yaml"
check "FILE and -: standard input in its place, options after FILEs" 0 "$(cat "$tmp/two")" \
    sh -c "'$tool' inject '$dir/pod.yaml' - --image=$ref <'$dir/cronjob.yaml'"
check "-- ends the options" 0 "$(cat "$dir/pod.injected.yaml")" \
    sh -c "cd '$dir' && '$tool' inject --image $ref -- pod.yaml"
check "JSON on standard input" 0 "$(cat "$dir/pod.json.injected.yaml")" \
    sh -c "'$tool' inject --image $ref - <'$dir/pod.json'"

echo "# refused: one line on standard error, nothing on standard output, exit 1"
printf 'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: y\n    volumeMounts:\n    - {name: own, mountPath: /usr/lib/libnss_podip.so.2}\n' >"$tmp/conflict.yaml"
printf 'apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b: c\n' >"$tmp/syntax.yaml"
printf 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers: []\n' >"$tmp/empty.yaml"
refused "a YAML syntax error: its line and column" 1 \
    "nss-podip inject: $tmp/syntax.yaml: line 4, column 7: mapping values are not allowed in this context" \
    inject "$tmp/syntax.yaml"
refused "a template without containers" 1 \
    "nss-podip inject: $tmp/empty.yaml: line 8, column 7: Deployment \"web\": spec.template.spec has no containers" \
    inject "$tmp/empty.yaml"
refused "a container that mounts the module's path" 1 \
    "nss-podip inject: $tmp/conflict.yaml: line 10, column 30: Pod: container \"b\" already mounts a volume at /usr/lib/libnss_podip.so.2, where podip mounts its own" \
    inject "$tmp/conflict.yaml"
refused "not a Kubernetes object, on standard input" 1 \
    "nss-podip inject: standard input: line 1, column 1: not a Kubernetes object: no kind" \
    sh -c "echo 'a: 1' | '$tool' inject"
refused "empty standard input" 1 "nss-podip inject: standard input: no Kubernetes object in it" \
    sh -c "'$tool' inject </dev/null"
refused "a FILE that is not there" 1 \
    "nss-podip inject: $tmp/none.yaml: cannot be read: No such file or directory" \
    inject "$dir/pod.yaml" "$tmp/none.yaml"
refused "a directory" 1 "nss-podip inject: $tmp: cannot be read: Is a directory" inject "$tmp"
refused "a good FILE, then a bad one: nothing written" 1 \
    "nss-podip inject: $tmp/syntax.yaml: line 4, column 7: mapping values are not allowed in this context" \
    inject "$dir/pod.yaml" "$tmp/syntax.yaml"
refused "standard output full" 1 "nss-podip inject: standard output: No space left on device" \
    sh -c "'$tool' inject '$dir/pod.yaml' >/dev/full"

echo "# usage errors: exit 2"
usage="(usage: nss-podip inject [--image REF] [--config-map NAME] [FILE...])"
refused "an unknown option" 2 "nss-podip inject: unknown option --images=x $usage" \
    inject --images=x "$dir/pod.yaml"
refused "--image without its value" 2 "nss-podip inject: --image needs a value $usage" \
    inject --image
refused "--image empty" 2 "nss-podip inject: --image: not an image reference: \"\" $usage" \
    inject --image= "$dir/pod.yaml"
refused "--image with a space" 2 "nss-podip inject: --image: not an image reference: \"a b\" $usage" \
    inject --image "a b" "$dir/pod.yaml"
refused "--config-map not a ConfigMap name" 2 \
    "nss-podip inject: --config-map: not a ConfigMap name (lowercase letters, digits, '-' and '.', starting and ending with a letter or digit): \"Podip_Conf\" $usage" \
    inject --config-map Podip_Conf "$dir/pod.yaml"

echo "# read back by PyYAML: podip's parts as nss-podip(8) says, everything else as it was"
# read_back IN OUT REF CONFIG_MAP: the objects of IN, and of OUT without
# podip's parts, are the same; podip's parts are where they belong.
read_back() {
    python3 - "$@" <<'EOF'
import re, sys, yaml

class Loader(yaml.SafeLoader):
    pass
# a tag of the user's own: kept as the pair (tag, text)
Loader.add_multi_constructor("!", lambda loader, tag, node: (tag, loader.construct_scalar(node)))

KINDS = {"Pod": "spec", "PodTemplate": "template.spec", "ReplicationController": "spec.template.spec",
         "ReplicaSet": "spec.template.spec", "Deployment": "spec.template.spec",
         "StatefulSet": "spec.template.spec", "DaemonSet": "spec.template.spec",
         "Job": "spec.template.spec", "CronJob": "spec.jobTemplate.spec.template.spec"}
LIBS = ["/usr/lib/libnss_podip.so.2", "/usr/lib64/libnss_podip.so.2"]

def pod_specs(obj):
    kind = obj["kind"]
    if kind.endswith("List") and obj.get("items") is not None:
        for item in obj["items"]:
            yield from pod_specs(item)
    elif kind in KINDS:
        spec = obj
        for key in KINDS[kind].split("."):
            spec = spec[key]
        yield spec

def is_ours(item):
    return re.fullmatch(r"nss-podip(-config|-setup-[1-9][0-9]*)?", item.get("name", "")) is not None

def strip(spec):
    """spec without podip's parts, and without lists that are empty then"""
    def keep(mapping, key):
        mapping[key] = [x for x in mapping.get(key) or [] if not is_ours(x)]
        if not mapping[key]:
            del mapping[key]
    keep(spec, "volumes")
    keep(spec, "initContainers")
    for c in spec.get("initContainers", []) + spec["containers"]:
        keep(c, "volumeMounts")

def check(spec, ref, config_map):
    """podip's parts of one pod spec, as nss-podip(8) describes them"""
    own = [c for c in spec.get("initContainers", []) if not is_ours(c)] + spec["containers"]
    images = []
    for c in own:
        if c["image"] not in images:
            images.append(c["image"])
    init = spec["initContainers"]
    assert init[0]["name"] == "nss-podip" and init[0]["image"] == ref, init[0]
    assert init[0]["command"] == ["/podip/nss-podip-init", "copy", "/nss-podip"]
    for k, image in enumerate(images, 1):
        setup = init[k]
        assert setup["name"] == f"nss-podip-setup-{k}" and setup["image"] == image, setup
        assert setup["command"] == ["/nss-podip/nss-podip-init", "setup", f"/nss-podip/{k}"]
        paths = [m["mountPath"] for m in setup["volumeMounts"]]
        assert paths == ["/nss-podip"] + LIBS + (["/etc/nss-podip.conf"] if config_map else [])
        assert setup["securityContext"]["runAsNonRoot"] is True
    for c in own:
        k = images.index(c["image"]) + 1
        mounts = [m for m in c["volumeMounts"] if is_ours(m)]
        want = [("nss-podip", "/etc/nsswitch.conf", f"{k}/nsswitch.conf")]
        want += [("nss-podip", lib, "libnss_podip.so.2") for lib in LIBS]
        if config_map:
            want.append(("nss-podip-config", "/etc/nss-podip.conf", "nss-podip.conf"))
        got = [(m["name"], m["mountPath"], m["subPath"]) for m in mounts]
        assert got == want and all(m["readOnly"] is True for m in mounts), (c["name"], got)
    volumes = [v for v in spec["volumes"] if is_ours(v)]
    want = [{"name": "nss-podip", "emptyDir": {}}]
    if config_map:
        want.append({"name": "nss-podip-config", "configMap": {"name": config_map, "items": [
            {"key": "nss-podip.conf", "path": "nss-podip.conf"}]}})
    assert volumes == want, volumes

def objects(path):
    with open(path) as f:
        return [o for o in yaml.load_all(f, Loader) if o is not None]

given, out = objects(sys.argv[1]), objects(sys.argv[2])
ref, config_map = sys.argv[3], sys.argv[4] or None
for obj in given:
    for spec in pod_specs(obj):
        strip(spec)
for obj in out:
    for spec in pod_specs(obj):
        check(spec, ref, config_map)
        strip(spec)
assert given == out, "\n".join(map(repr, given + out))
EOF
}
for input in pod.yaml deployment.yaml shared-image.yaml cronjob.yaml list.yaml workloads.yaml \
    pod.json anchors.yaml other-kinds.yaml other-kinds-meaning.yaml pod.injected.yaml \
    pod.config-map.yaml; do
    inject --image "$ref" "$dir/$input" >"$tmp/out.yaml"
    check "$input" 0 "" read_back "$dir/$input" "$tmp/out.yaml" "$ref" ""
    inject --image other:2 --config-map podip-settings "$dir/$input" >"$tmp/out.yaml"
    check "$input with --config-map" 0 "" read_back "$dir/$input" "$tmp/out.yaml" other:2 podip-settings
done
finish
