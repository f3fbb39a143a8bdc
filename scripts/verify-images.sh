#!/usr/bin/env bash
# Builds the x86 image from Dockerfile.x86 without Docker or a registry and runs it: Debian's buildah
# (--isolation chroot) on Debian bases that debootstrap makes here, passed in through the Dockerfile's ARGs:
#   build base:   Debian bookworm + openjdk-17-jdk-headless + maven (+ zip, unzip, file, binutils)
#   runtime base: Debian bookworm minbase, no Java at all (the image must run on its bundled runtime)
# then, in the image: --version, probe, the demo on the sample video, and the HEALTHCHECK command against a
# running agent; and checks the image's user (non-root), volume and health check.
# What it cannot check: the OpenVINO runtime base (openvino/ubuntu22_runtime) and the L4T base of
# Dockerfile.jetson, which no registry here serves.
#   sudo scripts/verify-images.sh          (root; ~/.m2 must hold the build's dependencies: the build is offline)
# Takes 5-10 minutes the first time (debootstrap), less with the bases cached in target/images.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
assets="${EDGE_CASCADE_ASSETS:-$(cd .. && pwd)/shared/data}"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
work="$root/target/images"
fail() { echo "verify-images: FAILED: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "run as root (debootstrap and buildah's chroot isolation need it)"
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install buildah debootstrap"
done
[[ -f "$assets/models/yolox_nano.onnx" ]] || fail "no test data in $assets; set EDGE_CASCADE_ASSETS"
mkdir -p "$work"
# A private image store, so nothing here touches the machine's containers; vfs works on any filesystem.
bh() { buildah --root "$work/storage" --runroot "$work/run" --storage-driver vfs "$@"; }
started=$SECONDS

# 1. The bases: one debootstrap, the build base is it plus a JDK and Maven.
base_image() {  # NAME ROOTFS
  local ctr; ctr="$(bh from scratch)"
  tar -C "$2" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./var/cache/apt/archives/*.deb' \
    -cf "$work/$1.tar" .
  bh add "$ctr" "$work/$1.tar" / >/dev/null
  bh config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd /bin/bash "$ctr"
  bh commit -q "$ctr" "localhost/$1" >/dev/null
  bh rm "$ctr" >/dev/null
  rm -f "$work/$1.tar"
}
if ! bh inspect localhost/ec-runtime-base >/dev/null 2>&1; then
  echo "verify-images: debootstrap bookworm (minbase)..."
  rm -rf "$work/rootfs-runtime"
  debootstrap --variant=minbase bookworm "$work/rootfs-runtime" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || fail "debootstrap (see $work/debootstrap.log)"
  base_image ec-runtime-base "$work/rootfs-runtime"
fi
if ! bh inspect localhost/ec-build-base >/dev/null 2>&1; then
  echo "verify-images: build base (JDK 17, Maven)..."
  rm -rf "$work/rootfs-build"
  cp -a "$work/rootfs-runtime" "$work/rootfs-build"
  mount --bind /proc "$work/rootfs-build/proc"
  set +e
  chroot "$work/rootfs-build" /bin/sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends openjdk-17-jdk-headless maven zip unzip file binutils ca-certificates >/dev/null \
    && apt-get clean' >"$work/build-base.log" 2>&1
  status=$?
  set -e
  umount "$work/rootfs-build/proc"
  (( status == 0 )) || fail "installing the JDK in the build base (see $work/build-base.log)"
  base_image ec-build-base "$work/rootfs-build"
fi
echo "verify-images: bases ready after $((SECONDS - started)) s"

# 2. The image, from Dockerfile.x86 as it is, only its base ARGs overridden; Maven offline on this ~/.m2.
# --format docker keeps the HEALTHCHECK (OCI image configs have no field for it).
bh bud --isolation chroot --format docker --layers=false -f Dockerfile.x86 \
  --build-arg BUILD_BASE=localhost/ec-build-base --build-arg RUNTIME_BASE=localhost/ec-runtime-base \
  --build-arg MAVEN_ARGS=-o -v "$HOME/.m2:/root/.m2" -t localhost/edge-cascade:x86 . >"$work/bud.log" 2>&1 \
  || { tail -30 "$work/bud.log"; fail "buildah bud -f Dockerfile.x86 (see $work/bud.log)"; }
echo "verify-images: image built after $((SECONDS - started)) s"

# 3. What the image says about itself.
config="$(bh inspect --type image localhost/edge-cascade:x86)"
python3 - "$config" <<'PY' || fail "image config"
import json, sys
c = json.loads(sys.argv[1])
docker = c.get("Docker", {}).get("config", {}) or {}
oci = c.get("OCIv1", {}).get("config", {}) or {}
user = oci.get("User") or docker.get("User")
assert user and user not in ("root", "0"), f"runs as {user!r}"
assert "/data" in (oci.get("Volumes") or docker.get("Volumes") or {}), "no /data volume"
hc = docker.get("Healthcheck") or {}
assert any("/healthz" in part for part in hc.get("Test", [])), f"no /healthz health check: {hc}"
print(f"verify-images: user {user}, volume /data, health check {hc['Test']}")
PY

# 4. Run it: --version, probe, the demo, and the health check against a running agent.
ctr="$(bh from localhost/edge-cascade:x86)"
trap 'bh rm "$ctr" >/dev/null 2>&1 || true' EXIT
run() { bh run --isolation chroot -v "$assets:/assets:ro" "$ctr" -- "$@"; }
run edge-cascade --version | tee "$work/version.txt"
grep -q '^edge-cascade ' "$work/version.txt" || fail "--version"
run sh -c '! command -v java' >/dev/null || fail "the image has a java on PATH: it should need none"
run edge-cascade probe > "$work/probe.txt" || fail "probe"
grep -q 'selected (engine: auto): ' "$work/probe.txt" || fail "probe selected no engine"
grep 'selected' "$work/probe.txt"
run edge-cascade demo --assets /assets --no-cloud > "$work/demo.txt" 2>&1 || { tail "$work/demo.txt"; fail "demo"; }
grep -E 'frames decoded' "$work/demo.txt" || fail "the demo printed no result"
# The health check as the image declares it, with an agent running on the sample video (host network under
# chroot isolation: a free port, not 9108, which may be taken here).
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
run sh -c "cat > /tmp/c.yaml <<YAML
model: { path: /assets/models/yolox_nano.onnx, labels: /assets/models/coco_classes.txt }
events: { path: /tmp/events.jsonl }
metrics: { listen: 127.0.0.1:$port }
cameras: [ { id: cam, source: /assets/video/one-by-one-person-detection.mp4, realtime: true } ]
YAML
edge-cascade run --config /tmp/c.yaml >/tmp/agent.log 2>&1 & agent=\$!
for i in \$(seq 1 60); do curl -fsS http://127.0.0.1:$port/healthz && break; sleep 1; done; rc=\$?
kill -TERM \$agent; wait \$agent; exit \$rc" > "$work/health.txt" 2>&1 || { cat "$work/health.txt"; fail "healthz"; }
grep -q alive "$work/health.txt" || { cat "$work/health.txt"; fail "healthz did not answer"; }
echo "verify-images: /healthz: $(grep -o '{.*}' "$work/health.txt" | head -1)"
echo "verify-images: ok after $((SECONDS - started)) s (image localhost/edge-cascade:x86 in $work/storage)"
