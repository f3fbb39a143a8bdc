#!/usr/bin/env bash
# Cold start of the self-contained distribution against the plain lib/ one (the system JDK, natives unpacked
# from the jars on first start): median of N runs each of
#   --version                      JVM start + command line
#   first frame                    'run' on the sample video until the camera's 'reading' line: the model is
#                                  loaded, FFmpeg has opened the file and decoded its first frame
# Every run gets a fresh, empty home directory (-Duser.home), so each one is a first start.
#   scripts/cold-start.sh [RUNS]       (after 'mvn -B -DskipTests package' and 'packaging/dist.sh linux-x86_64')
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
assets="${EDGE_CASCADE_ASSETS:-$(cd "$root/.." && pwd)/shared/data}"
tarball="$(ls "$root"/app/target/dist/edge-cascade-*-linux-x86_64.tar.gz | head -1)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -xzf "$tarball" -C "$work"
declare -A launchers=([lib-jdk]="$root/app/target/edge-cascade/bin/edge-cascade"
                      [tarball]="$(ls -d "$work"/edge-cascade-*/)bin/edge-cascade")
cat > "$work/c.yaml" <<YAML
model: { path: $assets/models/yolox_nano.onnx, labels: $assets/models/coco_classes.txt }
events: { path: $work/events.jsonl }
metrics: { listen: 0 }
cameras: [ { id: cam, source: $assets/video/one-by-one-person-detection.mp4 } ]
YAML
ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for name in lib-jdk tarball; do
  launcher="${launchers[$name]}"
  : > "$work/version.ms"; : > "$work/frame.ms"
  for i in $(seq 1 "$runs"); do
    home="$work/home-$name-$i"; mkdir -p "$home"
    t0=$(date +%s%N)
    JAVA_OPTS="-Duser.home=$home" "$launcher" --version >/dev/null
    ms "$t0" >> "$work/version.ms"
    home="$work/home-$name-$i-run"; mkdir -p "$home"
    t0=$(date +%s%N)
    : > "$work/run.log"
    JAVA_OPTS="-Duser.home=$home" "$launcher" run --config "$work/c.yaml" >> "$work/run.log" 2>&1 &
    pid=$!
    until grep -q "camera cam: reading" "$work/run.log"; do
      kill -0 "$pid" 2>/dev/null || { cat "$work/run.log"; exit 1; }
      sleep 0.02
    done
    ms "$t0" >> "$work/frame.ms"
    kill "$pid"; wait "$pid" || true
  done
  printf '%-8s --version median %5d ms (%s)   first frame median %5d ms (%s)   home after: %s\n' "$name" \
    "$(median < "$work/version.ms")" "$(paste -sd, "$work/version.ms")" \
    "$(median < "$work/frame.ms")" "$(paste -sd, "$work/frame.ms")" \
    "$(du -sh "$work/home-$name-1-run" | cut -f1)"
done
