#!/usr/bin/env bash
# Builds edgelog's image for one architecture without a container engine. It
# reads platform/container/Containerfile instruction by instruction, does what
# each says with umoci, and copies the result with skopeo into a tarball that
# `docker load` reads.
#
#   platform/container/build_image.sh --arch amd64|arm64 --binary FILE \
#     --ca-bundle FILE --version VERSION [--out DIR] [--file CONTAINERFILE]
#
#   --binary     the static edgelog built for --arch
#   --ca-bundle  PEM file of the CA certificates to trust
#   --version    the build argument VERSION (the version label) and the tag
#   --out        where to write, build/image unless given
#   --file       the Containerfile to read, this directory's unless given
#
# Writes, under the --out directory:
#   context-ARCH/     the build context the Containerfile describes
#   oci-ARCH/         an OCI image layout holding the image, tagged VERSION-ARCH
#   edgelog-ARCH.tar  the same image as a docker-archive, edgelog:VERSION-ARCH
#
# The image is one layer. Its time, and that of every file in it, is
# SOURCE_DATE_EPOCH, else the time of the last commit, so the same inputs give
# the same image. Needs root, because the layer records the files' owners, and
# umoci, skopeo and python3.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
containerfile=$here/Containerfile

die() {
  echo "build_image.sh: $*" >&2
  exit 1
}

arch="" binary="" ca_bundle="" version="" out=build/image
while [ $# -gt 0 ]; do
  case $1 in
    --arch) arch=${2:-} ;;
    --binary) binary=${2:-} ;;
    --ca-bundle) ca_bundle=${2:-} ;;
    --version) version=${2:-} ;;
    --out) out=${2:-} ;;
    --file) containerfile=${2:-} ;;
    *) die "unknown argument: $1 (see the comment at the top of this script)" ;;
  esac
  shift 2 || die "$1 needs a value"
done
if [ -z "$binary" ] || [ -z "$ca_bundle" ] || [ -z "$version" ]; then
  die "--binary, --ca-bundle and --version are required"
fi
[ "$(id -u)" -eq 0 ] ||
  die "needs root: the layer records file owners (65534 for the state directory); run it with sudo"
for tool in umoci skopeo python3; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

# The ELF machine of the binary (e_machine, at byte 18) must match --arch: an
# image of one architecture holding a binary of another fails only at run time.
case $arch in
  amd64) want_machine=62 ;;  # EM_X86_64
  arm64) want_machine=183 ;; # EM_AARCH64
  *) die "--arch must be amd64 or arm64, not \"$arch\"" ;;
esac
[ -f "$binary" ] || die "$binary: no such file"
[ "$(head -c 4 "$binary" | od -An -c | tr -d ' ')" = '177ELF' ] || die "$binary is not an ELF file"
machine=$(od -An -tu2 -j18 -N2 "$binary" | tr -d ' ')
[ "$machine" = "$want_machine" ] || die "$binary is for ELF machine $machine, not $arch"
grep -q -- '-----BEGIN CERTIFICATE-----' "$ca_bundle" 2>/dev/null ||
  die "$ca_bundle: not a PEM file of certificates"

epoch=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)
# A Docker tag: letters, digits, '_', '.' and '-'.
tag=$(printf '%s' "$version-$arch" | tr -c 'A-Za-z0-9_.-' '-')

[ -f "$containerfile" ] || die "$containerfile: no such file"
shown_file=${containerfile#"$repo"/}
mkdir -p "$out"
shown_archive=$out/edgelog-$arch.tar
out=$(cd "$out" && pwd)
context=$out/context-$arch
layout=$out/oci-$arch
bundle=$out/bundle-$arch
archive=$out/edgelog-$arch.tar
rootfs=$bundle/rootfs
scratch=$(mktemp -d)
trap 'rm -rf "$scratch" "$bundle"' EXIT

# The build context, laid out as the Containerfile's comment describes.
rm -rf "$context"
mkdir -p "$context/empty"
install -m 0755 "$binary" "$context/edgelog"
install -m 0644 "$ca_bundle" "$context/ca-bundle.pem"
chmod 0755 "$context/empty"
find "$context" -exec touch -h -d "@$epoch" {} +

# --- Reading the Containerfile ------------------------------------------------

# split_words MODE TEXT: TEXT as words, each ended by a NUL, on stdout. MODE
# exec: TEXT is a JSON array of strings (exec form). MODE shell: TEXT is split
# as a POSIX shell splits it, then $NAME and ${NAME} are replaced by the
# values of ARG and ENV so far (the environment variables CF_VAR_NAME).
split_words() {
  local -a defined=()
  local name
  for name in "${!vars[@]}"; do defined+=("CF_VAR_$name=${vars[$name]}"); done
  # shellcheck disable=SC2016 # Python, not shell
  env "${defined[@]}" python3 -c '
import json, os, re, shlex, sys
mode, text = sys.argv[1], sys.argv[2]
if mode == "exec":
    try:
        words = json.loads(text)
    except ValueError:
        words = None
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        sys.exit("only the exec form is supported: a JSON array of strings")
else:
    def value(m):
        return os.environ.get("CF_VAR_" + (m.group(1) or m.group(2)), "")
    words = [re.sub(r"\$(?:\{(\w+)\}|(\w+))", value, w) for w in shlex.split(text)]
sys.stdout.write("".join(w + "\0" for w in words))
' "$1" "$2"
}

# words_of MODE TEXT: sets the array `words` (see split_words).
words_of() {
  split_words "$1" "$2" >"$scratch/words" || die "$where: cannot read: $2"
  mapfile -d '' -t words <"$scratch/words"
}

# Instructions as "LINE TEXT", continuation lines joined, comments dropped.
instructions=()
read_containerfile() {
  local n=0 start=0 pending="" line
  while IFS= read -r line || [ -n "$line" ]; do
    n=$((n + 1))
    line=${line#"${line%%[![:space:]]*}"}
    [[ -z $line || $line == \#* ]] && continue
    [ -n "$pending" ] || start=$n
    if [[ $line == *\\ ]]; then
      pending+="${line%\\} "
      continue
    fi
    instructions+=("$start $pending$line")
    pending=""
  done <"$containerfile"
  [ -z "$pending" ] || die "$shown_file:$start: continued past the end of the file"
}

# --- Building the root filesystem ---------------------------------------------

# make_parents DIR: creates DIR in the root filesystem and any directory above
# it that is missing, owned by root with mode 0755, as COPY does.
make_parents() {
  local dir=$1
  [ "$dir" = / ] || [ -d "$rootfs$dir" ] && return 0
  make_parents "$(dirname "$dir")"
  mkdir -m 0755 "$rootfs$dir"
  chown 0:0 "$rootfs$dir"
}

# copy_file FROM TO OWNER: one file from the context, its mode kept.
copy_file() {
  make_parents "$(dirname "$2")"
  cp --preserve=mode "$1" "$rootfs$2"
  chown -h "$3" "$rootfs$2"
}

# copy_dir FROM TO OWNER [MODE]: what is in directory FROM goes into TO. TO,
# when created here, takes FROM's mode and OWNER; its parents belong to
# root. MODE, if given, is TO's and every copied entry's.
copy_dir() {
  local from=$1 to=${2%/} owner=$3 mode=${4:-} entry
  if [ ! -d "$rootfs$to" ]; then
    make_parents "$(dirname "${to:-/}")"
    mkdir "$rootfs$to"
    chmod --reference="$from" "$rootfs$to"
    chown "$owner" "$rootfs$to"
  fi
  cp -a --no-preserve=ownership "$from/." "$rootfs$to/"
  # (cp -a gives TO the mode of FROM itself: MODE goes on after it.)
  [ -z "$mode" ] || chmod "$mode" "$rootfs$to"
  while IFS= read -r -d '' entry; do
    chown -h "$owner" "$rootfs$to/$entry"
    [ -z "$mode" ] || chmod "$mode" "$rootfs$to/$entry"
  done < <(find "$from" -mindepth 1 -printf '%P\0')
}

# copy_instruction WORD...: COPY [--chown=UID[:GID]] [--chmod=OCTAL] SRC... DEST
copy_instruction() {
  local owner=0:0 mode=""
  while [ $# -gt 0 ] && [[ $1 == --* ]]; do
    case $1 in
      --chmod=*)
        mode=${1#--chmod=}
        [[ $mode =~ ^[0-7]{3,4}$ ]] || die "$where: --chmod takes an octal mode"
        ;;
      --chown=*)
        owner=${1#--chown=}
        [[ $owner =~ ^[0-9]+(:[0-9]+)?$ ]] ||
          die "$where: --chown takes numbers: a FROM scratch image has no user names"
        [[ $owner == *:* ]] || owner=$owner:$owner
        ;;
      *) die "$where: COPY $1 is not supported" ;;
    esac
    shift
  done
  [ $# -ge 2 ] || die "$where: COPY needs a source and a destination"
  local -a sources=("${@:1:$#-1}")
  local dest=${*: -1} dir_dest=""
  [[ $dest == */ ]] && dir_dest=1
  [[ $dest == /* ]] || dest=$workdir/$dest
  dest=$(realpath -m -s "$dest")
  [ ${#sources[@]} -eq 1 ] || [ -n "$dir_dest" ] ||
    die "$where: several sources need a destination ending in /"
  local src from
  for src in "${sources[@]}"; do
    [[ $src == *[\*?[]* ]] && die "$where: wildcards are not supported ($src)"
    from=$(realpath -m -s "$context/$src")
    [[ $from == "$context" || $from == "$context"/* ]] || die "$where: $src is outside the context"
    [ -e "$from" ] || die "$where: $src is not in the build context"
    if [ -d "$from" ]; then
      copy_dir "$from" "$dest" "$owner" "$mode"
    elif [ -n "$dir_dest" ] || [ -d "$rootfs$dest" ]; then
      copy_file "$from" "${dest%/}/$(basename "$from")" "$owner"
      [ -z "$mode" ] || chmod "$mode" "$rootfs${dest%/}/$(basename "$from")"
    else
      copy_file "$from" "$dest" "$owner"
      [ -z "$mode" ] || chmod "$mode" "$rootfs$dest"
    fi
  done
}

# --- The image ----------------------------------------------------------------

rm -rf "$layout" "$bundle" "$archive"
umoci init --layout "$layout"
umoci new --image "$layout:$tag"
umoci unpack --image "$layout:$tag" "$bundle" >/dev/null

declare -A vars=()
declare -A build_args=([VERSION]=$version)
declare -A used_args=()
user="" workdir=/ workdir_set="" from_seen="" copies=""
entrypoint=() cmd=() envs=() labels=() words=()
read_containerfile
for instruction in "${instructions[@]}"; do
  where="$shown_file:${instruction%% *}"
  text=${instruction#* }
  keyword=${text%%[[:space:]]*}
  keyword=${keyword^^}
  args=${text#*[[:space:]]}
  [ "$args" != "$text" ] || args=""
  args=${args#"${args%%[![:space:]]*}"}
  [ -n "$from_seen" ] || [ "$keyword" = FROM ] || die "$where: the first instruction must be FROM scratch"
  case $keyword in
    FROM)
      [ -z "$from_seen" ] || die "$where: one stage only"
      [ "$args" = scratch ] || die "$where: only FROM scratch is supported"
      from_seen=1
      ;;
    ARG)
      words_of shell "$args"
      for word in "${words[@]}"; do
        name=${word%%=*}
        if [ -n "${build_args[$name]+set}" ]; then
          vars[$name]=${build_args[$name]}
          used_args[$name]=1
        elif [[ $word == *=* ]]; then
          vars[$name]=${word#*=}
        else
          vars[$name]=""
        fi
      done
      ;;
    ENV | LABEL)
      words_of shell "$args"
      for word in "${words[@]}"; do
        [[ $word == ?*=* ]] || die "$where: $keyword takes KEY=VALUE pairs"
        if [ "$keyword" = ENV ]; then
          envs+=("$word")
          vars[${word%%=*}]=${word#*=}
        else
          labels+=("$word")
        fi
      done
      ;;
    COPY)
      words_of shell "$args"
      copy_instruction "${words[@]}"
      copies+="${copies:+; }COPY $args"
      ;;
    USER)
      words_of shell "$args"
      [ ${#words[@]} -eq 1 ] || die "$where: USER takes one UID[:GID]"
      user=${words[0]}
      ;;
    WORKDIR)
      words_of shell "$args"
      [ ${#words[@]} -eq 1 ] || die "$where: WORKDIR takes one directory"
      [[ ${words[0]} == /* ]] && workdir=${words[0]} || workdir=$workdir/${words[0]}
      workdir=$(realpath -m -s "$workdir")
      workdir_set=1
      make_parents "$workdir"
      ;;
    ENTRYPOINT)
      words_of exec "$args"
      entrypoint=("${words[@]}")
      ;;
    CMD)
      words_of exec "$args"
      [ ${#words[@]} -gt 0 ] || die "$where: an empty CMD is not supported"
      cmd=("${words[@]}")
      ;;
    *) die "$where: $keyword is not supported by this script" ;;
  esac
done
[ -n "$from_seen" ] || die "$shown_file: no FROM scratch"
for name in "${!build_args[@]}"; do
  [ -n "${used_args[$name]+set}" ] ||
    echo "build_image.sh: warning: the Containerfile declares no ARG $name" >&2
done

find "$rootfs" -exec touch -h -d "@$epoch" {} +
umoci repack --image "$layout:$tag" --history.created "$created" \
  --history.created_by "$copies" "$bundle"

config=(--image "$layout:$tag" --no-history --os linux --architecture "$arch" --created "$created")
[ -z "$user" ] || config+=("--config.user=$user")
[ -z "$workdir_set" ] || config+=("--config.workingdir=$workdir")
for word in "${envs[@]}"; do config+=("--config.env=$word"); done
for word in "${labels[@]}"; do config+=("--config.label=$word"); done
for word in "${entrypoint[@]}"; do config+=("--config.entrypoint=$word"); done
for word in "${cmd[@]}"; do config+=("--config.cmd=$word"); done
umoci config "${config[@]}"
umoci gc --layout "$layout"
# umoci writes blobs for its user only; the image is no secret.
chmod -R a+rX "$layout"

# Both ends are local files: there is no signature to check, and no policy
# file is needed.
skopeo --insecure-policy copy --quiet "oci:$layout:$tag" "docker-archive:$archive:edgelog:$tag"
# What a registry would send: the compressed layer.
layer_bytes=$(python3 -c '
import json, sys
blob = lambda d: sys.argv[1] + "/blobs/" + d.replace(":", "/")
manifest = json.load(open(blob(json.load(open(sys.argv[1] + "/index.json"))["manifests"][0]["digest"])))
print(sum(layer["size"] for layer in manifest["layers"]))
' "$layout")
echo "$shown_archive: edgelog:$tag, $(stat -c %s "$archive") bytes ($layer_bytes compressed)"
