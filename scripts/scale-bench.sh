#!/usr/bin/env bash
# Scale benchmark: N live cameras served by a local RTSP server (GStreamer's, the test server of
# cascade/src/test/resources/rtsp/rtsp_server.py: one pipeline per camera, the H.264 sent as it is), one agent over
# all of them for a while, then SIGTERM. Prints one table row: per-camera fps, drop ratio (latest-frame drops /
# frames that reached the detector slot), detector runs, positives, events per camera, the agent's CPU share of the
# machine and its peak RSS.
#   scripts/scale-bench.sh N [432p|1080p] [seconds]      e.g. scripts/scale-bench.sh 16 432p 60
# 432p is the sample video as it is (768x432, 10 fps); 1080p is it scaled to 1920x1080 at 15 fps (made here with
# ffmpeg). Needs python3-gi, gir1.2-gst-rtsp-server-1.0, the gstreamer1.0 plugins (see .ci/run) and the shared data.
# SCALE_BENCH_DEFAULTS adds a defaults: section to the agent's config, e.g.
#   SCALE_BENCH_DEFAULTS='tracking: { look_again_max_s: 0 }' scripts/scale-bench.sh 48 432p 60
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:?usage: scale-bench.sh N [432p|1080p] [seconds]}"
size="${2:-432p}"
seconds="${3:-60}"
# shellcheck source=scripts/rtsp-common.sh
. "$root/scripts/rtsp-common.sh"

video="$assets/video/one-by-one-person-detection.mp4"
if [[ "$size" == "1080p" ]]; then
  ffmpeg -v error -y -i "$video" -t $((seconds + 10)) -vf scale=1920:1080 -r 15 -c:v libx264 -preset veryfast \
    -g 30 -pix_fmt yuv420p "$work/video.mp4"
  video="$work/video.mp4"
elif [[ "$size" != "432p" ]]; then
  echo "error: size must be 432p or 1080p, got $size" >&2; exit 2
fi
start_server "$video" "$(seq -s, -f 'cam%g' 0 $((n - 1)))"

{
  echo "model: { path: $assets/models/yolox_nano.onnx, labels: $assets/models/coco_classes.txt }"
  echo "events: { path: $work/events.jsonl }"
  echo "metrics: { listen: \"0\" }"
  echo "pipeline: { progress_interval_s: 0 }"
  if [[ -n "${SCALE_BENCH_DEFAULTS:-}" ]]; then
    echo "defaults: { $SCALE_BENCH_DEFAULTS }"
  fi
  echo "cameras:"
  for i in $(seq 0 $((n - 1))); do
    echo "  - { id: cam$i, source: \"rtsp://127.0.0.1:$port/cam$i\" }"
  done
} >"$work/config.yaml"

"$root/edge-cascade" --version >/dev/null # build first, outside the measurement
"$root/edge-cascade" run --config "$work/config.yaml" --summary "$work/summary.json" >"$work/agent.log" 2>&1 &
agent_pid=$!
ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$agent_pid/stat"; }
t0=$(date +%s.%N); c0=$(cpu)
sleep "$seconds"
c1=$(cpu); t1=$(date +%s.%N)
hwm=$(awk '/VmHWM/ {print $2}' "/proc/$agent_pid/status")
kill -TERM "$agent_pid"
wait "$agent_pid" || { echo "error: the agent exited $?; log:" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
agent_pid=""
cores=$(nproc)
/usr/bin/python3 - "$work/summary.json" "$n" "$size" "$seconds" "$c0" "$c1" "$t0" "$t1" "$ticks" "$cores" "$hwm" <<'PY'
import json, statistics, sys
summary, n, size, seconds, c0, c1, t0, t1, ticks, cores, hwm = sys.argv[1:]
s = json.load(open(summary))
cams = s["cameras"].values()
wall = s["wall_seconds"]
fps = [c["frames_decoded"] / wall for c in cams]
drops = sum(c["dropped"] for c in cams)
runs = sum(c["frames_detected"] for c in cams)
ratio = drops / (drops + runs) if drops + runs else 0.0
worst = max((c["dropped"] / (c["dropped"] + c["frames_detected"]) if c["dropped"] + c["frames_detected"] else 0.0)
            for c in cams)
events = [c["events"] for c in cams]
cpu_share = (float(c1) - float(c0)) / float(ticks) / (float(t1) - float(t0)) / int(cores)
looks = [c["looks"]["per_second"] for c in cams if "looks" in c]
skipped = {}
for c in cams:
    for k, v in c.get("looks", {}).get("skipped", {}).items():
        skipped[k] = skipped.get(k, 0) + v
print("| N | size | s | fps/camera (min/median) | drops (all / worst camera) | detector runs | positives |"
      " events/camera (min..max) | CPU share of %s cores | peak RSS MB | looks/s per camera (median) |"
      " looks skipped |" % cores)
print("| %s | %s | %s | %.1f / %.1f | %.1f%% / %.1f%% | %d | %d | %d..%d | %.0f%% | %.0f | %s | %s |" % (
    n, size, seconds, min(fps), statistics.median(fps), 100 * ratio, 100 * worst, runs,
    sum(c["frames_positive"] for c in cams), min(events), max(events), 100 * cpu_share, int(hwm) / 1024,
    "%.2f" % statistics.median(looks) if looks else "-",
    ", ".join("%s %d" % kv for kv in skipped.items()) or "-"))
PY
