#!/usr/bin/env bash
# Wall time and frames/s of `edge-cascade run` on the sample video, with the default motion gate and with the
# gate off, each run N times in alternation (default 5); prints every run and the medians.
#   scripts/bench-run.sh [N] [threads]     (threads: default = the config's default, half the cores)
# Needs the shared data (EDGE_CASCADE_ASSETS, default ../shared/data beside the checkout).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-5}"
threads="${2:-}"
assets="${EDGE_CASCADE_ASSETS:-$root/../shared/data}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

config() { # $1 = motion.enabled
  cat <<YAML
model: { path: $assets/models/yolox_nano.onnx, labels: $assets/models/coco_classes.txt }
${threads:+threads: $threads}
events: { path: $work/events.jsonl }
pipeline: { progress_interval_s: 0 }
defaults: { motion: { enabled: $1 } }
cameras: [ { id: lobby, source: $assets/video/one-by-one-person-detection.mp4 } ]
YAML
}
config true >"$work/gated.yaml"
config false >"$work/ungated.yaml"

"$root/edge-cascade" --version >/dev/null # build first, outside the timings
declare -A fps_list
for i in $(seq 1 "$runs"); do
  for variant in gated ungated; do
    "$root/edge-cascade" run --config "$work/$variant.yaml" --summary "$work/$variant.json" 2>/dev/null
    wall=$(grep -o '"wall_seconds" : [0-9.]*' "$work/$variant.json" | awk '{print $3}')
    frames=$(grep -o '"frames_decoded" : [0-9]*' "$work/$variant.json" | awk '{print $3}')
    detected=$(grep -o '"frames_detected" : [0-9]*' "$work/$variant.json" | awk '{print $3}')
    fps=$(awk -v f="$frames" -v w="$wall" 'BEGIN { printf "%.1f", f / w }')
    printf '%-8s run %d: %s frames in %s s = %s frames/s, detector on %s frames\n' "$variant" "$i" "$frames" \
      "$wall" "$fps" "$detected"
    fps_list[$variant]+="$fps $wall"$'\n'
  done
done
for variant in gated ungated; do
  median_fps=$(printf '%s' "${fps_list[$variant]}" | awk '{print $1}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  median_wall=$(printf '%s' "${fps_list[$variant]}" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf 'median %-8s %s s, %s frames/s\n' "$variant" "$median_wall" "$median_fps"
done
