#!/usr/bin/env bash
# Memory benchmark (issue 17): the sample video as a 4x4 mosaic (3072x1728, sixteen people walking at once) through
# one agent twice: once with the web page and forwarding off, once with the page on (and polled the way an open
# browser polls it: /events every 3 s and each event's snapshot) and forwarding every event's best frames to a cloud
# server in a separate process (edge-cascade cloud). Prints the peak RSS of each run (GNU time's maximum resident
# set size of the agent's JVM), the difference, and what each run did; and, sampled every second from the agent's
# /metrics, the frames waiting in the pipeline's queues (detector and output; each holds its full frame, 3072 x 1728
# x 3 bytes) and the resident set without them, so that memory held there is told apart from the sinks' own.
#   scripts/memory-bench.sh [SECONDS]    SECONDS of the video in the mosaic (default: all of it, 139 s)
# Needs ffmpeg, curl, /usr/bin/time, python3 and the shared data (EDGE_CASCADE_ASSETS, else ../shared/data).
# MOSAIC=FILE reuses a mosaic made before (it is written there when missing). JAVA_OPTS applies to both runs, and
# so do PIPELINE (keys of pipeline:, e.g. PIPELINE="output_queue: 2"), EVENTS (keys of events:, e.g.
# EVENTS="best_frames_mb: 16") and CAMERA (keys of the camera, e.g.
# CAMERA="realtime: true": read at the video's frame rate, as a live camera). KEEP=DIR keeps the runs' files there.
# ROUNDS=N runs N pairs (off, on, off, on...) and prints each and the medians: one pair's difference moves by tens of
# MB from run to run (when the JVM grows its heap, which frames are in flight at the peak), so compare medians.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-}"
assets="${EDGE_CASCADE_ASSETS:-$root/../shared/data}"
video="$assets/video/one-by-one-person-detection.mp4"
for tool in ffmpeg curl python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing; install it (apt-get install ffmpeg curl time python3)" >&2; exit 1; }
done
[[ -f "$video" ]] || { echo "error: $video not found; set EDGE_CASCADE_ASSETS to the shared data folder" >&2; exit 1; }

work="${KEEP:-$(mktemp -d)}"
mkdir -p "$work"
cloud_pid=""
poll_pid=""
cleanup() {
  [[ -n "$poll_pid" ]] && kill "$poll_pid" 2>/dev/null || true
  [[ -n "$cloud_pid" ]] && kill "$cloud_pid" 2>/dev/null && wait "$cloud_pid" 2>/dev/null || true
  [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mosaic="${MOSAIC:-$work/mosaic.mp4}"
if [[ ! -s "$mosaic" ]]; then
  inputs=()
  layout=()
  for r in 0 1 2 3; do
    for c in 0 1 2 3; do
      inputs+=(-i "$video")
      layout+=("$((768 * c))_$((432 * r))")
    done
  done
  echo "memory-bench: making the 4x4 mosaic ($mosaic)..." >&2
  ffmpeg -nostdin -v error -y "${inputs[@]}" ${seconds:+-t "$seconds"} \
    -filter_complex "xstack=inputs=16:layout=$(IFS='|'; echo "${layout[*]}")" \
    -an -c:v libx264 -preset ultrafast -g 20 -pix_fmt yuv420p "$mosaic"
fi

"$root/edge-cascade" --version >/dev/null # build first, outside the measurement

cloud_port="$(free_port)"
"$root/edge-cascade" cloud --listen "127.0.0.1:$cloud_port" --model "yolox=$assets/models/yolox_nano.onnx" \
  --record "$work/record.txt" >"$work/cloud.log" 2>&1 &
cloud_pid=$!
for _ in $(seq 1 600); do
  (exec 3<>"/dev/tcp/127.0.0.1/$cloud_port") 2>/dev/null && break
  kill -0 "$cloud_pid" 2>/dev/null || { echo "error: the cloud server died:" >&2; cat "$work/cloud.log" >&2; exit 1; }
  sleep 0.2
done

metrics_port="$(free_port)"
config() { # NAME EXTRA-YAML
  cat >"$work/$1.yaml" <<EOF
model: { path: $assets/models/yolox_nano.onnx, labels: $assets/models/coco_classes.txt }
events: { path: $work/$1-events.jsonl${EVENTS:+, $EVENTS} }
metrics: { listen: "127.0.0.1:$metrics_port" }
pipeline: { progress_interval_s: 0${PIPELINE:+, $PIPELINE} }
$2
cameras:
  - { id: mosaic, source: "$mosaic"${CAMERA:+, $CAMERA} }
EOF
}

# The browser's polling: the events list every 3 s and every thumbnail it shows (the newest 50), each revalidated
# with its ETag as a browser's cache does; and one full snapshot each time, as if a user clicked the newest event.
poll_page() {
  local base="http://127.0.0.1:$1"
  mkdir -p "$work/etags"
  while true; do
    curl -s -m 10 "$base/events" -o "$work/events.json" 2>/dev/null || true
    python3 -c 'import json,sys
try:
    events = json.load(open(sys.argv[1]))[:50]
    print(events[0]["snapshot"])
    for e in events: print(e["thumbnail"])
except Exception: pass' "$work/events.json" 2>/dev/null | while read -r path; do
      tag="$work/etags/$(echo "$path" | tr '/' '_')"
      curl -s -m 10 --etag-compare "$tag" --etag-save "$tag" "$base$path" -o /dev/null || true
    done
    sleep 3
  done
}

# Every second: the agent's resident set (kB) and the frames in its detector and output queues (from /metrics).
sample() { # NAME
  while true; do
    depths=$(curl -s -m 2 "http://127.0.0.1:$metrics_port/metrics" 2>/dev/null | awk '
      /^edge_cascade_queue_depth\{.*queue="detector"/ {d = $2}
      /^edge_cascade_queue_depth\{.*queue="output"/ {o = $2}
      END {if (d != "" && o != "") print d, o}') || true
    rss=$(pgrep -f "io.edgecascade.app.cli.Main run --config $work/$1.yaml" | head -1 \
      | xargs -r -I{} awk '/VmRSS/ {print $2}' /proc/{}/status 2>/dev/null) || true
    [[ -n "${rss:-}" && -n "${depths:-}" ]] && echo "$rss $depths" >>"$work/$1.samples"
    sleep 1
  done
}

run() { # NAME
  : >"$work/$1.samples"
  sample "$1" &
  local sampler=$!
  /usr/bin/time -f '%M %e' -o "$work/$1.time" "$root/edge-cascade" run --config "$work/$1.yaml" \
    --summary "$work/$1-summary.json" >"$work/$1.log" 2>&1 || {
    kill "$sampler"; echo "error: the $1 run failed; its log:" >&2; tail -20 "$work/$1.log" >&2; exit 1; }
  kill "$sampler" 2>/dev/null || true
}

rounds="${ROUNDS:-1}"
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "error: ROUNDS must be a whole number from 1, got '$rounds'" >&2; exit 1; }
for i in $(seq 1 "$rounds"); do
  ui_port="$(free_port)"
  config "off-$i" ""
  run "off-$i"
  config "on-$i" "ui: { listen: 127.0.0.1:$ui_port }
cloud: { url: 127.0.0.1:$cloud_port, model: yolox, drain_seconds: 120, results_path: $work/results-$i.jsonl }
spool: { dir: $work/spool-$i }"
  before=$(cat "$work/record.txt" 2>/dev/null | wc -l)
  (sleep 5; poll_page "$ui_port") >/dev/null 2>&1 &
  poll_pid=$!
  run "on-$i"
  kill "$poll_pid" 2>/dev/null || true
  poll_pid=""
  echo $(( $(cat "$work/record.txt" 2>/dev/null | wc -l) - before )) >"$work/on-$i.uploads"
done

python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work = sys.argv[1]
def figures(name):
    rss_kb, wall = open(f"{work}/{name}.time").read().split()
    s = json.load(open(f"{work}/{name}-summary.json"))
    cam = s["cameras"]["mosaic"]
    live = peak = 0
    for line in open(f"{work}/{name}-events.jsonl"):
        t = json.loads(line)["type"]
        live += t == "start"
        live -= t == "end"
        peak = max(peak, live)
    queued = 0      # most frames waiting in the detector and output queues together
    without = 0.0   # highest resident set less the frames waiting in the queues at that moment, MB
    for line in open(f"{work}/{name}.samples"):
        rss, detector, output = (float(x) for x in line.split())
        frames = int(detector + output)
        queued = max(queued, frames)
        without = max(without, rss / 1024 - frames * frame_mb)
    return int(rss_kb) / 1024, float(wall), cam, peak, queued, without
frame_mb = 3072 * 1728 * 3 / 2**20
rounds = int(sys.argv[2])
print("| round | run | peak RSS MB | wall s | frames | detector runs | events | most tracks at once | frames to the"
      " cloud | best frames given up | most frames in the pipeline's queues (MB) | peak RSS less the queued frames MB |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
pairs = []
for i in range(1, rounds + 1):
    off = figures(f"off-{i}")
    on = figures(f"on-{i}")
    uploads = int(open(f"{work}/on-{i}.uploads").read())
    for name, (rss, wall, cam, peak, queued, without) in (("page and forwarding off", off),
                                                          ("page on, forwarding to a cloud process", on)):
        print(f"| {i} | {name} | {rss:.0f} | {wall:.1f} | {cam['frames_decoded']} | {cam['frames_detected']}"
              f" | {cam['events']} | {peak} | {uploads if name.startswith('page on') else '-'}"
              f" | {cam.get('best_frames_dropped', '-')} | {queued} ({queued * frame_mb:.0f}) | {without:.0f} |")
    pairs.append((off[0], on[0], on[0] - off[0], on[5] - off[5]))
    print(f"<!-- round {i}: peak RSS difference {on[0] - off[0]:.0f} MB; the cloud server received {uploads} frames"
          " -->")
med = lambda xs: statistics.median(xs)
print(f"\npeak RSS, median of {rounds} round(s): off {med([p[0] for p in pairs]):.0f} MB, on"
      f" {med([p[1] for p in pairs]):.0f} MB; difference (on - off) {med([p[2] for p in pairs]):.0f} MB"
      f" (each round: {', '.join(f'{p[2]:.0f}' for p in pairs)}); less the frames in the pipeline's queues:"
      f" {med([p[3] for p in pairs]):.0f} MB")
PY
