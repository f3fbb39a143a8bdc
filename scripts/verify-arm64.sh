#!/usr/bin/env bash
# Proves the arm64 build by running it, here on x86 under emulation (Debian's qemu-user-static through binfmt):
#   1. a Debian bookworm arm64 root made by debootstrap (cached), the linux-arm64 tarball (packaging/dist.sh)
#      unpacked in it, and in a chroot: --version, probe, config validate (configs/lobby.yaml), and the demo on the
#      sample video with the motion gate on, which must report 6 events
#   2. buildah bud --arch arm64 of Dockerfile.jetson as it is, its base ARGs pointed at Debian arm64 bases made from
#      that root (a build base with OpenJDK 17 and Maven, a runtime base in place of the L4T one), and the same four
#      commands inside the image
# Every step's time goes to target/verify-arm64/times.txt (docs/BENCHMARKS.md has the figures).
#   sudo scripts/verify-arm64.sh [--tarball FILE] [--no-image | --no-tarball] [--work DIR]
# (--no-image / --no-tarball: one half only; two runs with different --work can run the halves side by side)
# Root (debootstrap, chroot, buildah's chroot isolation). The image build is offline Maven on ~/.m2, into which
# the arm64 protoc binaries the build needs are fetched first (mvn dependency:get). Emulation is slow: the demo
# alone takes over an hour on 2 loaded cores, and so does the image build (docs/BENCHMARKS.md); the release check,
# not a CI step.
# Cache: ${ARM64_CACHE:-~/.cache/edge-cascade-verify/arm64} (the debootstrapped root and the base images).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
assets="${EDGE_CASCADE_ASSETS:-$(cd .. && pwd)/shared/data}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache="${ARM64_CACHE:-$HOME/.cache/edge-cascade-verify/arm64}"
work="$root/target/verify-arm64"
tarball=""; image=1; in_tarball=1
while (( $# )); do
  case "$1" in
    --tarball) tarball="$2"; shift 2 ;;
    --no-image) image=0; shift ;;
    --no-tarball) in_tarball=0; shift ;;
    --work) work="$(mkdir -p "$2" && cd "$2" && pwd)"; shift 2 ;;
    *) echo "usage: sudo scripts/verify-arm64.sh [--tarball FILE] [--no-image | --no-tarball] [--work DIR]" >&2
       exit 2 ;;
  esac
done
fail() { echo "verify-arm64: FAILED: $*" >&2; exit 1; }
started=$SECONDS
step_started=$SECONDS
mkdir -p "$work" "$cache"
: > "$work/times.txt"
step() {  # NAME: records the time since the previous step
  local t=$((SECONDS - step_started))
  printf '%-58s %5d s\n' "$1" "$t" | tee -a "$work/times.txt"
  step_started=$SECONDS
}

[[ $(id -u) == 0 ]] || fail "run as root (debootstrap, chroot and buildah's chroot isolation need it)"
for tool in qemu-aarch64-static debootstrap buildah tar; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install qemu-user-static binfmt-support debootstrap buildah"
done
[[ -f "$assets/models/yolox_nano.onnx" ]] || fail "no test data in $assets; set EDGE_CASCADE_ASSETS"
# binfmt: the kernel runs arm64 ELF files through qemu-aarch64-static ('F': the interpreter is opened at
# registration, so it works inside chroots and containers too).
if [[ ! -e /proc/sys/fs/binfmt_misc/register ]]; then
  mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc || fail "cannot mount binfmt_misc"
fi
if [[ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]]; then
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
fi
grep -q '^enabled' /proc/sys/fs/binfmt_misc/qemu-aarch64 2>/dev/null \
  || fail "binfmt has no enabled qemu-aarch64 entry: apt-get install binfmt-support qemu-user-static"
grep -q '^flags: .*F' /proc/sys/fs/binfmt_misc/qemu-aarch64 \
  || fail "the qemu-aarch64 binfmt entry lacks the F flag, so it cannot run inside a chroot"

# The tarball.
if [[ -z "$tarball" ]]; then
  tarball="$(ls -t app/target/dist/edge-cascade-*-linux-arm64.tar.gz 2>/dev/null | head -1 || true)"
  if [[ -z "$tarball" ]]; then
    [[ -d app/target/edge-cascade/lib ]] || fail "no app/target/edge-cascade/lib: run 'mvn -B -DskipTests package' first"
    packaging/dist.sh linux-arm64 --no-deb >"$work/dist.log" 2>&1 || { tail "$work/dist.log"; fail "packaging/dist.sh linux-arm64"; }
    tarball="$(ls -t app/target/dist/edge-cascade-*-linux-arm64.tar.gz | head -1)"
  fi
fi
[[ -f "$tarball" ]] || fail "tarball $tarball not found"
echo "verify-arm64: $tarball"

# 1. The arm64 root (cached as a tar: each run starts from a clean copy).
base_tar="$cache/bookworm-arm64-root.tar"
if [[ ! -f "$base_tar" ]]; then
  echo "verify-arm64: debootstrap bookworm arm64 (second stage under emulation: several minutes)..."
  rm -rf "$cache/rootfs"
  # What the natives of the tarball link against (FFmpeg's libavdevice: ALSA, PulseAudio, XCB), as the images add.
  debootstrap --foreign --arch=arm64 --variant=minbase \
    --include=libasound2,libpulse0,libxcb1,libxcb-shm0,zlib1g,curl,ca-certificates \
    bookworm "$cache/rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 || fail "debootstrap (see $cache/debootstrap.log)"
  chroot "$cache/rootfs" /debootstrap/debootstrap --second-stage >>"$cache/debootstrap.log" 2>&1 \
    || fail "debootstrap second stage (see $cache/debootstrap.log)"
  chroot "$cache/rootfs" apt-get clean
  tar -C "$cache/rootfs" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -cf "$base_tar.tmp" .
  mv "$base_tar.tmp" "$base_tar"
  rm -rf "$cache/rootfs"
fi
step "arm64 root ready (debootstrap, or the cached one)"

chroot_dir="$work/root"
mounted=()
# The four checks, in the root or in the image: WHERE RUNNER (a function that runs a command there).
four_checks() {
  local where="$1"
  local run=("$2")
  "${run[@]}" edge-cascade --version >"$work/$where-version.txt" 2>&1 || { cat "$work/$where-version.txt"; fail "$where: --version"; }
  grep -q '^edge-cascade ' "$work/$where-version.txt" || fail "$where: --version printed $(cat "$work/$where-version.txt")"
  step "$where: edge-cascade --version ($(head -1 "$work/$where-version.txt"))"
  "${run[@]}" edge-cascade probe >"$work/$where-probe.txt" 2>&1 || { cat "$work/$where-probe.txt"; fail "$where: probe"; }
  grep -q 'selected (engine: auto): ' "$work/$where-probe.txt" || { cat "$work/$where-probe.txt"; fail "$where: probe selected no engine"; }
  step "$where: edge-cascade probe ($(grep -o 'selected (engine: auto): [^ ]*' "$work/$where-probe.txt"))"
  "${run[@]}" edge-cascade config validate /opt/lobby.yaml >"$work/$where-validate.txt" 2>&1 \
    || { cat "$work/$where-validate.txt"; fail "$where: config validate"; }
  tail -1 "$work/$where-validate.txt" | grep -qx ok || { cat "$work/$where-validate.txt"; fail "$where: config validate"; }
  step "$where: edge-cascade config validate configs/lobby.yaml"
  "${run[@]}" edge-cascade demo --assets /assets --no-cloud >"$work/$where-demo.txt" 2>&1 \
    || { tail "$work/$where-demo.txt"; fail "$where: demo"; }
  local summary; summary="$(grep 'frames decoded in' "$work/$where-demo.txt" || true)"
  [[ "$summary" == *"; 6 events"* ]] || { cat "$work/$where-demo.txt"; fail "$where: the demo did not report 6 events"; }
  step "$where: demo (gate on): ${summary%%;*}; 6 events"
}
cleanup() {
  for (( i=${#mounted[@]}-1; i>=0; i-- )); do umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" || true; done
  mounted=()
}
# 1b. The tarball in the root: unpacked afresh, /proc, /sys, /dev and the test data bound in, the four checks.
tarball_checks() {
  trap cleanup EXIT
  rm -rf "$chroot_dir"
  mkdir -p "$chroot_dir"
  tar -C "$chroot_dir" -xf "$base_tar"
  mkdir -p "$chroot_dir/opt/edge-cascade" "$chroot_dir/assets" "$chroot_dir/proc" "$chroot_dir/sys" "$chroot_dir/dev"
  tar -C "$chroot_dir/opt/edge-cascade" --strip-components=1 -xzf "$tarball"
  cp configs/lobby.yaml "$chroot_dir/opt/lobby.yaml"
  ln -sf /opt/edge-cascade/bin/edge-cascade "$chroot_dir/usr/local/bin/edge-cascade"
  # /sys too: ONNX Runtime reads the CPU lists there (and aborts without them)
  for m in proc sys dev; do mount --bind "/$m" "$chroot_dir/$m"; mounted+=("$chroot_dir/$m"); done
  mount --bind "$assets" "$chroot_dir/assets"; mount -o remount,bind,ro "$chroot_dir/assets"; mounted+=("$chroot_dir/assets")
  step "tarball unpacked in the root"
  in_root() { chroot "$chroot_dir" /usr/bin/env -i PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    EDGE_CASCADE_ASSETS=/assets "$@"; }
  [[ "$(in_root /usr/bin/uname -m)" == aarch64 ]] || fail "the chroot does not run arm64 code"
  four_checks tarball in_root
  cleanup
  trap - EXIT
}
if (( in_tarball )); then
  tarball_checks
fi
(( image )) || { echo "verify-arm64: ok after $((SECONDS - started)) s (image skipped)"; exit 0; }

# 2. The image: Dockerfile.jetson as it is, with Debian arm64 bases through its BUILD_BASE / RUNTIME_BASE ARGs.
bh() { buildah --root "$cache/storage" --runroot "$work/run" --storage-driver vfs "$@"; }
base_image() {  # NAME ROOTFS_TAR
  local ctr; ctr="$(bh from --arch arm64 scratch)"
  bh add "$ctr" "$2" / >/dev/null
  bh config --arch arm64 --os linux --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash "$ctr"
  bh commit -q "$ctr" "localhost/$1" >/dev/null
  bh rm "$ctr" >/dev/null
}
if ! bh inspect localhost/ec-arm64-runtime-base >/dev/null 2>&1; then
  base_image ec-arm64-runtime-base "$base_tar"
fi
if ! bh inspect localhost/ec-arm64-build-base >/dev/null 2>&1; then
  echo "verify-arm64: build base (OpenJDK 17 + Maven, installed under emulation)..."
  build_root="$cache/rootfs-build.$$"
  rm -rf "$build_root"
  mkdir -p "$build_root"
  tar -C "$build_root" -xf "$base_tar"
  mount --bind /proc "$build_root/proc"
  set +e
  chroot "$build_root" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends openjdk-17-jdk-headless maven zip unzip file binutils >/dev/null && apt-get clean' \
    >"$cache/build-base.log" 2>&1
  status=$?
  set -e
  umount "$build_root/proc"
  (( status == 0 )) || fail "installing the JDK in the arm64 build base (see $cache/build-base.log)"
  tar -C "$build_root" --exclude='./proc/*' --exclude='./sys/*' --exclude='./dev/*' -cf "$build_root.tar" .
  base_image ec-arm64-build-base "$build_root.tar"
  rm -rf "$build_root" "$build_root.tar"
fi
step "image bases ready (Debian arm64 build and runtime bases)"
# The protobuf plugin runs protoc and protoc-gen-grpc-java for the build machine: on arm64 their linux-aarch_64
# binaries, which an x86 checkout's ~/.m2 lacks. Fetched once, so the image builds with Maven offline.
protobuf="$(sed -n 's:.*<protobuf.version>\(.*\)</protobuf.version>.*:\1:p' pom.xml)"
grpc="$(sed -n 's:.*<grpc.version>\(.*\)</grpc.version>.*:\1:p' pom.xml)"
for artifact in "com.google.protobuf:protoc:$protobuf:exe:linux-aarch_64" \
    "io.grpc:protoc-gen-grpc-java:$grpc:exe:linux-aarch_64"; do
  IFS=: read -r g a v t c <<<"$artifact"
  [[ -f "$HOME/.m2/repository/${g//.//}/$a/$v/$a-$v-$c.$t" ]] && continue
  mvn -B -q dependency:get -Dartifact="$g:$a:$v:$t:$c" -Dtransitive=false >"$work/protoc.log" 2>&1 \
    || { cat "$work/protoc.log"; fail "fetching $artifact"; }
done
# --format docker keeps the HEALTHCHECK; the build stage's FROM --platform=linux/arm64 and --arch agree.
bh bud --isolation chroot --arch arm64 --format docker --layers=false -f Dockerfile.jetson \
  --build-arg BUILD_BASE=localhost/ec-arm64-build-base --build-arg RUNTIME_BASE=localhost/ec-arm64-runtime-base \
  --build-arg MAVEN_ARGS=-o -v "$HOME/.m2:/root/.m2" -t localhost/edge-cascade:jetson-debian . >"$work/bud.log" 2>&1 \
  || { tail -30 "$work/bud.log"; fail "buildah bud --arch arm64 -f Dockerfile.jetson (see $work/bud.log)"; }
step "buildah bud --arch arm64 -f Dockerfile.jetson (build stage under emulation)"
arch="$(bh inspect --type image --format '{{.OCIv1.Architecture}}' localhost/edge-cascade:jetson-debian)"
[[ "$arch" == arm64 ]] || fail "the image is for $arch, not arm64"
user="$(bh inspect --type image --format '{{.OCIv1.Config.User}}' localhost/edge-cascade:jetson-debian)"
[[ -n "$user" && "$user" != root && "$user" != 0 ]] || fail "the image runs as '$user'"
ctr="$(bh from --arch arm64 localhost/edge-cascade:jetson-debian)"
trap 'bh rm "$ctr" >/dev/null 2>&1 || true' EXIT
bh copy "$ctr" configs/lobby.yaml /opt/lobby.yaml >/dev/null
bh config --env EDGE_CASCADE_ASSETS=/assets "$ctr"
in_image() { bh run --isolation chroot -v "$assets:/assets:ro" "$ctr" -- "$@"; }
in_image sh -c '! command -v java' >/dev/null || fail "the image has a java on PATH: it should need none"
four_checks image in_image
echo "verify-arm64: ok after $((SECONDS - started)) s; image localhost/edge-cascade:jetson-debian (user $user)"
