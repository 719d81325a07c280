#!/usr/bin/env bash
# The images make image leaves in build/image, for amd64 and arm64. Checks
# each image's configuration against platform/container/Containerfile, that
# its one layer holds the binary, the CA bundle and the state directory and
# nothing else, with the right owners, and that the docker-archive tarball is
# there for docker load. Then runs each image's root filesystem the way a
# container runtime would, as its user in new namespaces (bubblewrap): the
# binary starts, stops with exit 0 on SIGTERM and on SIGINT as PID 1, writes
# its state, and resolves a host name through the /etc/hosts a runtime mounts
# to deliver an event. arm64 runs under qemu-aarch64-static, when installed.
# The runs need root (skipped without it). Ends with a line "skipped:
# image/NAME: REASON" per skip, then "N passed, M failed, K skipped"; exits
# non-zero on any failure. .ci/run runs it through tests/run_all.sh image,
# which holds the skips against tests/allowed_skips.txt.
#
#   tests/platform/image_test.sh          after make image
#
# IMAGE_DIR: where the images are, build/image unless given.

# The checks are functions called through check(), which shellcheck cannot see.
# shellcheck disable=SC2317
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
image_dir=${IMAGE_DIR:-build/image}
containerfile=platform/container/Containerfile
qemu=/usr/bin/qemu-aarch64-static
nobody=65534:65534

scratch=$(mktemp -d)
# The image's user starts the sandboxes: it must reach the root filesystems in here.
chmod 0755 "$scratch"
# Processes started in the background and not yet waited for.
declare -A background=()
cleanup() {
  local pid
  for pid in "${!background[@]}"; do kill -KILL "$pid" 2>/dev/null; done
  rm -rf "$scratch"
}
trap cleanup EXIT

# reap PID: waits for a background process and returns its exit status.
reap() {
  wait "$1"
  local rc=$?
  unset "background[$1]"
  return "$rc"
}

# exited PID: the process has ended (a zombie counts: kill -0 still finds it).
exited() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 0
  [ -z "$state" ] || [ "$state" = Z ]
}

passed=0
failed=0
skipped=0

# check NAME COMMAND...: one test; it passes when COMMAND succeeds. Returns
# the same, for the checks that later ones need.
check() {
  local name=$1
  shift
  if "$@"; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    failed=$((failed + 1))
    return 1
  fi
}

skips=()

# skip NAME REASON: one test that could not run here.
skip() {
  echo "SKIP $1 ($2)"
  skipped=$((skipped + 1))
  skips+=("skipped: image/$1: $2")
}

finish() {
  local s
  for s in "${skips[@]}"; do echo "$s"; done
  echo "$passed passed, $failed failed, $skipped skipped"
  exit $((failed > 0))
}

sh platform/debian/install_deps.sh umoci skopeo bubblewrap file python3 || finish

# --- Reading images -------------------------------------------------------------

# oci.py, in effect: reads an OCI image layout (one image) with the standard
# library. Commands: tag LAYOUT; layers LAYOUT (how many); entries LAYOUT
# (one line per entry of the layer: path, type, uid:gid, mode; the root
# entry left out, as runtimes ignore it); extract LAYOUT PATH DEST; config
# JSON KEY... (the value under KEY..., as compact JSON); string JSON KEY...
# (the same string, as it is); containerfile FILE KEYWORD (the JSON array of
# that exec-form instruction, as compact JSON).
oci() {
  python3 -c '
import json, sys, tarfile
cmd, args = sys.argv[1], sys.argv[2:]
compact = lambda v: json.dumps(v, separators=(",", ":"))

def manifest(layout):
    index = json.load(open(layout + "/index.json"))
    if len(index["manifests"]) != 1:
        sys.exit("%s: %d images, want 1" % (layout, len(index["manifests"])))
    entry = index["manifests"][0]
    return entry, json.load(open(blob(layout, entry["digest"])))

def blob(layout, digest):
    return layout + "/blobs/" + digest.replace(":", "/")

def layer(layout):
    layers = manifest(layout)[1]["layers"]
    if len(layers) != 1:
        sys.exit("%s: %d layers, want 1" % (layout, len(layers)))
    return tarfile.open(blob(layout, layers[0]["digest"]))

if cmd == "tag":
    print(manifest(args[0])[0]["annotations"]["org.opencontainers.image.ref.name"])
elif cmd == "layers":
    print(len(manifest(args[0])[1]["layers"]))
elif cmd == "entries":
    for m in layer(args[0]):
        name = m.name.lstrip("./").rstrip("/")
        if not name:
            continue
        kind = "dir" if m.isdir() else "file" if m.isreg() else "other"
        print(name, kind, "%d:%d" % (m.uid, m.gid), "%o" % (m.mode & 0o7777))
elif cmd == "extract":
    t = layer(args[0])
    for m in t:
        if m.name.lstrip("./") == args[1]:
            open(args[2], "wb").write(t.extractfile(m).read())
            break
    else:
        sys.exit("%s: no %s in the layer" % (args[0], args[1]))
elif cmd in ("config", "string"):
    value = json.load(open(args[0]))
    for key in args[1:]:
        value = value.get(key) if isinstance(value, dict) else None
    if cmd == "config":
        print(compact(value))
    elif isinstance(value, str):
        print(value)
    else:
        sys.exit("%s: %s is not a string" % (args[0], " ".join(args[1:])))
elif cmd == "containerfile":
    lines = [l for l in open(args[0]) if l.split(None, 1)[:1] == [args[1]]]
    if len(lines) != 1:
        sys.exit("%s: %d %s lines, want 1" % (args[0], len(lines), args[1]))
    print(compact(json.loads(lines[0].split(None, 1)[1])))
' "$@"
}

# The layer, path by path: type, owner, mode.
expected_entries="\
edgelog file 0:0 755
etc dir 0:0 755
etc/ssl dir 0:0 755
etc/ssl/certs dir 0:0 755
etc/ssl/certs/ca-certificates.crt file 0:0 644
var dir 0:0 755
var/lib dir 0:0 755
var/lib/edgelog dir $nobody 700"

layout_of() { echo "$image_dir/oci-$1"; }
archive_of() { echo "$image_dir/edgelog-$1.tar"; }
# The image's configuration as skopeo reads it from the layout, and from the
# docker-archive.
config_of() { echo "$scratch/config-$1.json"; }
archive_config_of() { echo "$scratch/archive-config-$1.json"; }

# Each check below takes the architecture as its first argument.

layout_holds_one_image_tagged_for_the_arch() {
  local tag
  tag=$(oci tag "$(layout_of "$1")") || return 1
  [[ $tag == *-"$1" ]] || { echo "tag $tag does not end in -$1"; return 1; }
  skopeo inspect --config "oci:$(layout_of "$1"):$tag" >"$(config_of "$1")" ||
    { echo "skopeo cannot read oci:$(layout_of "$1"):$tag"; return 1; }
}

# expect_config FILE WANT KEY...: the configuration's value under KEY...
expect_config() {
  local file=$1 want=$2 got
  shift 2
  got=$(oci config "$file" "$@") || return 1
  [ "$got" = "$want" ] || { echo "$*: $got, want $want"; return 1; }
}

config_names_the_arch_and_linux() {
  expect_config "$(config_of "$1")" "\"$1\"" architecture &&
    expect_config "$(config_of "$1")" '"linux"' os
}

config_runs_as_nobody() {
  expect_config "$(config_of "$1")" "\"$nobody\"" config User
}

config_entrypoint_and_cmd_are_the_containerfiles() {
  local entrypoint cmd
  entrypoint=$(oci containerfile "$containerfile" ENTRYPOINT) || return 1
  cmd=$(oci containerfile "$containerfile" CMD) || return 1
  expect_config "$(config_of "$1")" "$entrypoint" config Entrypoint &&
    expect_config "$(config_of "$1")" "$cmd" config Cmd
}

# The tag is VERSION-ARCH, VERSION made a valid tag as build_image.sh makes it.
config_has_a_created_time_and_the_tags_version() {
  local tag version created
  tag=$(oci tag "$(layout_of "$1")") || return 1
  version=$(oci string "$(config_of "$1")" config Labels org.opencontainers.image.version) || return 1
  if [ -z "$version" ] || [ "$tag" != "$(printf '%s' "$version" | tr -c 'A-Za-z0-9_.-' -)-$1" ]; then
    echo "version label \"$version\", tag $tag"
    return 1
  fi
  created=$(oci string "$(config_of "$1")" created) || return 1
  date -d "$created" >/dev/null 2>&1 || { echo "created: \"$created\""; return 1; }
}

layer_holds_binary_bundle_and_state_dir_only() {
  local got
  got=$(oci entries "$(layout_of "$1")" | sort) || return 1
  [ "$got" = "$expected_entries" ] ||
    { echo "layer entries:"; echo "$got"; echo "want:"; echo "$expected_entries"; return 1; }
}

ca_bundle_is_pem_certificates() {
  oci extract "$(layout_of "$1")" etc/ssl/certs/ca-certificates.crt "$scratch/ca-$1.pem" || return 1
  local count
  count=$(grep -c -- '-----BEGIN CERTIFICATE-----' "$scratch/ca-$1.pem")
  [ "$count" -gt 0 ] || { echo "no certificate in the bundle"; return 1; }
}

binary_is_a_static_elf_for_the_arch() {
  oci extract "$(layout_of "$1")" edgelog "$scratch/edgelog-$1" || return 1
  local want description
  case $1 in
    amd64) want="ELF 64-bit LSB executable, x86-64" ;;
    arm64) want="ELF 64-bit LSB executable, ARM aarch64" ;;
  esac
  description=$(file -b "$scratch/edgelog-$1")
  [[ $description == "$want"* && $description == *"statically linked"* ]] ||
    { echo "/edgelog: $description"; return 1; }
}

docker_archive_has_a_manifest_and_the_image() {
  local archive tag repo_tags
  archive=$(archive_of "$1")
  tag=$(oci tag "$(layout_of "$1")") || return 1
  [ -f "$archive" ] || { echo "no $archive"; return 1; }
  tar -xOf "$archive" manifest.json >"$scratch/manifest-$1.json" 2>/dev/null ||
    { echo "$archive has no manifest.json"; return 1; }
  repo_tags=$(python3 -c 'import json, sys; print(" ".join(json.load(open(sys.argv[1]))[0]["RepoTags"]))' \
    "$scratch/manifest-$1.json")
  [[ " $repo_tags " == *" edgelog:$tag "* || " $repo_tags " == *"/edgelog:$tag "* ]] ||
    { echo "$archive names $repo_tags, not edgelog:$tag"; return 1; }
  skopeo inspect --config "docker-archive:$archive" >"$(archive_config_of "$1")" || return 1
  local field
  for field in architecture os config; do
    expect_config "$(archive_config_of "$1")" "$(oci config "$(config_of "$1")" "$field")" "$field" ||
      return 1
  done
}

# --- Running images -------------------------------------------------------------

# The image's root filesystem, unpacked under $scratch/ARCH/rootfs, with the
# mount points a runtime would make: /proc, /dev, /etc/edgelog (the config),
# /var/log/app (the logs), /etc/hosts, and the emulator's for arm64.
unpack_rootfs() {
  local arch=$1 tag
  tag=$(oci tag "$(layout_of "$arch")") || return 1
  umoci unpack --image "$(layout_of "$arch"):$tag" "$scratch/$arch" >/dev/null || return 1
  chmod 0755 "$scratch/$arch"
  local rootfs=$scratch/$arch/rootfs
  mkdir -p "$rootfs/proc" "$rootfs/dev" "$rootfs/etc/edgelog" "$rootfs/var/log/app"
  touch "$rootfs/etc/hosts" "$rootfs/qemu-aarch64-static"
}

# write_config DIR ENDPOINT: DIR/config.json shipping /var/log/app/*.log there.
write_config() {
  mkdir -p "$1"
  local plaintext=false
  case "$2" in http://127.0.0.1:*) ;; http://*) plaintext=true ;; esac  # a name for this host
  cat >"$1/config.json" <<EOF
{
  "agent": { "region": "eu-west-1" },
  "edgelog": { "http": { "allow_plaintext": $plaintext } },
  "logs": {
    "endpoint_override": "$2",
    "force_flush_interval": 1,
    "logs_collected": { "files": { "collect_list": [
      { "file_path": "/var/log/app/*.log", "log_group_name": "/image-test/app" } ] } }
  }
}
EOF
  chmod -R a+rX "$1"
}

# sandbox ARCH CONFIG_DIR LOG_DIR [BWRAP_OPTION...] -- ARGV...: runs ARGV
# (the emulator first for arm64) in the image's root filesystem, read only but
# for the state directory, with CONFIG_DIR at /etc/edgelog and LOG_DIR at
# /var/log/app, as the image's user. bwrap is started by that user itself, so
# files are owned and checked as in a container, inside and outside.
sandbox() {
  local arch=$1 config_dir=$2 log_dir=$3
  shift 3
  local user
  user=$(oci string "$(config_of "$arch")" config User) || return 1
  [[ $user =~ ^([0-9]+):([0-9]+)$ ]] || { echo "the image's user is \"$user\", not UID:GID"; return 1; }
  local uid=${BASH_REMATCH[1]} gid=${BASH_REMATCH[2]}
  local -a options=()
  while [ "$1" != -- ]; do options+=("$1"); shift; done
  shift
  local rootfs=$scratch/$arch/rootfs
  local -a emulator=()
  if [ "$arch" = arm64 ]; then
    options+=(--ro-bind "$qemu" /qemu-aarch64-static)
    emulator=(/qemu-aarch64-static)
  fi
  env -i AWS_ACCESS_KEY_ID=AKIDIMAGETEST AWS_SECRET_ACCESS_KEY=image-test-secret \
    setpriv --reuid="$uid" --regid="$gid" --clear-groups \
    bwrap --ro-bind "$rootfs" / --bind "$rootfs/var/lib/edgelog" /var/lib/edgelog \
    --ro-bind "$config_dir" /etc/edgelog --bind "$log_dir" /var/log/app \
    --proc /proc --dev /dev --unshare-all --uid "$uid" --gid "$gid" --die-with-parent \
    "${options[@]}" "${emulator[@]}" "$@"
}

# image_argv ARCH: sets `argv` to the image's entrypoint and command.
image_argv() {
  python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))["config"]
sys.stdout.write("".join(w + "\0" for w in (c.get("Entrypoint") or []) + (c.get("Cmd") or [])))
' "$scratch/config-$1.json" >"$scratch/argv" || return 1
  mapfile -d '' -t argv <"$scratch/argv"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds, at most SECONDS.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# start_agent ARCH CONFIG_DIR LOG_DIR [BWRAP_OPTION...]: the image's command as
# PID 1 of a new PID namespace, in the background; sets `agent` (bwrap's PID)
# and `agent_pid` (the agent's). Its standard error goes to $scratch/err.
start_agent() {
  local arch=$1 config_dir=$2 log_dir=$3
  shift 3
  local -a argv=()
  image_argv "$arch" || return 1
  : >"$scratch/info"
  sandbox "$arch" "$config_dir" "$log_dir" "$@" --unshare-pid --as-pid-1 --info-fd 3 -- \
    "${argv[@]}" 3>"$scratch/info" 2>"$scratch/err" &
  agent=$!
  background[$agent]=1
  if ! wait_for 20 grep -q 'following /var/log/app/app.log' "$scratch/err"; then
    echo "the agent did not start:"
    cat "$scratch/err"
    kill_agent
    return 1
  fi
  # bwrap writes the info while its child runs: under load, after the agent
  # has logged already, and maybe in more than one write.
  local read_pid='import json, sys; print(json.load(open(sys.argv[1]))["child-pid"])'
  if ! wait_for 20 python3 -c "$read_pid" "$scratch/info" >/dev/null 2>&1; then
    echo "bwrap never said the agent's PID: $(cat "$scratch/info")"
    kill_agent
    return 1
  fi
  agent_pid=$(python3 -c "$read_pid" "$scratch/info") || { kill_agent; return 1; }
  local nspid
  nspid=$(awk '/^NSpid:/ { print $NF }' "/proc/$agent_pid/status")
  [ "$nspid" = 1 ] || { echo "the agent is PID $nspid in its namespace, not 1"; kill_agent; return 1; }
}

kill_agent() {
  kill -KILL "$agent" 2>/dev/null
  reap "$agent"
}

# stop_agent SIGNAL SECONDS: sends SIGNAL, then expects exit 0 within SECONDS.
stop_agent() {
  kill -"$1" "$agent_pid"
  if ! wait_for "$2" exited "$agent"; then
    echo "still running $2 s after SIG$1:"
    cat "$scratch/err"
    kill_agent
    return 1
  fi
  reap "$agent"
  local rc=$?
  [ "$rc" -eq 0 ] || { echo "exit $rc after SIG$1:"; cat "$scratch/err"; return 1; }
  grep -q "SIG$1 received" "$scratch/err" || { echo "no word of SIG$1:"; cat "$scratch/err"; return 1; }
}

binary_runs_as_the_images_user() {
  local out
  out=$(sandbox "$1" "$scratch/config-refused" "$scratch/logs-$1" -- /edgelog version 2>&1) ||
    { echo "/edgelog version: $out"; return 1; }
  [[ $out == "edgelog "* ]] || { echo "/edgelog version printed: $out"; return 1; }
}

# An endpoint that refuses connections and no log line to deliver: the stop
# is quick.
stops_as_pid_1_with_exit_0_on() {
  local arch=$1 signal=$2
  start_agent "$arch" "$scratch/config-refused" "$scratch/logs-$arch" || return 1
  stop_agent "$signal" 5
}

state_is_written_by_nobody() {
  local state=$scratch/$1/rootfs/var/lib/edgelog file owner
  for file in lock checkpoints.json; do
    owner=$(stat -c %u:%g "$state/$file" 2>/dev/null) || { echo "no $file in the state directory"; return 1; }
    [ "$owner" = "$nobody" ] || { echo "$file owned by $owner"; return 1; }
  done
}

# A local endpoint named in /etc/hosts, as docker run --add-host would: the
# static binary resolves it without any NSS library, and the event arrives.
resolves_a_hosts_name_and_delivers_an_event() {
  local arch=$1 logs=$scratch/logs-hosts-$1
  mkdir -p "$logs"
  : >"$logs/app.log"
  chmod -R a+rwX "$logs"
  python3 -c '
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        print(self.headers.get("X-Amz-Target"), flush=True)
        self.send_response(200)
        self.send_header("x-amzn-RequestId", "00000000-0000-0000-0000-000000000000")
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.end_headers()
        self.wfile.write(b"{}")
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
open(sys.argv[1], "w").write(str(server.server_address[1]))
server.serve_forever()
' "$scratch/port-$arch" >"$scratch/requests-$arch" 2>&1 &
  local server=$!
  background[$server]=1
  wait_for 10 test -s "$scratch/port-$arch" ||
    { echo "the endpoint did not start"; kill "$server"; reap "$server"; return 1; }
  echo "127.0.0.1 cloudwatch.image-test" >"$scratch/hosts"
  chmod a+r "$scratch/hosts"
  write_config "$scratch/config-hosts-$arch" "http://cloudwatch.image-test:$(cat "$scratch/port-$arch")"
  start_agent "$arch" "$scratch/config-hosts-$arch" "$logs" \
    --share-net --ro-bind "$scratch/hosts" /etc/hosts || { kill "$server"; reap "$server"; return 1; }
  echo "one line from the image test" >>"$logs/app.log"
  wait_for 20 grep -q PutLogEvents "$scratch/requests-$arch"
  local delivered=$?
  stop_agent TERM 10
  local stopped=$?
  kill "$server"
  reap "$server"
  [ "$delivered" -eq 0 ] || { echo "no PutLogEvents arrived:"; cat "$scratch/err"; return 1; }
  return "$stopped"
}

# --- The checks -----------------------------------------------------------------

write_config "$scratch/config-refused" http://127.0.0.1:9
for arch in amd64 arm64; do
  if [ ! -d "$(layout_of "$arch")" ]; then
    check "$arch: image built (make image)" false
    continue
  fi
  check "$arch: the layout holds one image, tagged for $arch" layout_holds_one_image_tagged_for_the_arch "$arch" || continue
  check "$arch: the config names architecture $arch and os linux" config_names_the_arch_and_linux "$arch"
  check "$arch: the config runs as $nobody" config_runs_as_nobody "$arch"
  check "$arch: entrypoint and cmd are the Containerfile's" config_entrypoint_and_cmd_are_the_containerfiles "$arch"
  check "$arch: a created time and the tag's version label" config_has_a_created_time_and_the_tags_version "$arch"
  check "$arch: one layer: the binary, the CA bundle, the state directory owned by $nobody" \
    layer_holds_binary_bundle_and_state_dir_only "$arch"
  check "$arch: the CA bundle holds PEM certificates" ca_bundle_is_pem_certificates "$arch"
  check "$arch: /edgelog is a static ELF for $arch" binary_is_a_static_elf_for_the_arch "$arch"
  check "$arch: the docker-archive holds manifest.json and the same image" \
    docker_archive_has_a_manifest_and_the_image "$arch"

  run="$arch running the image"
  if [ "$(id -u)" -ne 0 ]; then
    skip "$run" "needs root"
    continue
  fi
  if [ "$arch" = arm64 ] && [ ! -x "$qemu" ]; then
    skip "$run" "no $qemu"
    continue
  fi
  mkdir -p "$scratch/logs-$arch"
  : >"$scratch/logs-$arch/app.log"
  chmod -R a+rwX "$scratch/logs-$arch"
  check "$arch: the root filesystem unpacks" unpack_rootfs "$arch" || continue
  check "$arch: /edgelog version runs as the image's user" binary_runs_as_the_images_user "$arch"
  check "$arch: as PID 1, the image's command exits 0 on SIGTERM" stops_as_pid_1_with_exit_0_on "$arch" TERM
  check "$arch: as PID 1, the image's command exits 0 on SIGINT" stops_as_pid_1_with_exit_0_on "$arch" INT
  check "$arch: the state is written as $nobody in /var/lib/edgelog" state_is_written_by_nobody "$arch"
  check "$arch: a name from /etc/hosts resolves and an event arrives" \
    resolves_a_hosts_name_and_delivers_an_event "$arch"
done
finish
