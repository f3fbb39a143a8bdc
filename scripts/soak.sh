#!/usr/bin/env bash
# Soak: one live camera on a local RTSP server (the test server, cascade/src/test/resources/rtsp/rtsp_server.py)
# that is killed and restarted R times (default 100: up U s, down 0.5 s); prints the agent's threads, open file
# descriptors, heap after a full GC and RSS before, in the middle and after, and the reconnects the summary counted.
#   scripts/soak.sh [restarts] [seconds up]
# Needs python3-gi, gir1.2-gst-rtsp-server-1.0, the gstreamer1.0 plugins (see .ci/run), jcmd and the shared data.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
restarts="${1:-100}"
up="${2:-3}"
# shellcheck source=scripts/rtsp-common.sh
. "$root/scripts/rtsp-common.sh"

stop_server() {
  kill "$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
}

cat >"$work/config.yaml" <<YAML
model: { path: $assets/models/yolox_nano.onnx, labels: $assets/models/coco_classes.txt }
events: { path: $work/events.jsonl }
metrics: { listen: "0" }
pipeline: { progress_interval_s: 0 }
cameras:
  - { id: cam, source: "rtsp://127.0.0.1:$port/cam", reconnect: { initial_ms: 200, max_ms: 2000 } }
YAML

sample() { # label
  jcmd "$agent_pid" GC.run >/dev/null
  sleep 1
  local heap
  heap=$(jcmd "$agent_pid" GC.heap_info | awk '/used/ {for (i=1;i<=NF;i++) if ($i=="used") {print $(i+1); exit}}')
  printf '%-7s threads %4d  fds %4d  heap %8s  rss %6d MB\n' "$1" \
    "$(awk '/^Threads/ {print $2}' "/proc/$agent_pid/status")" "$(ls "/proc/$agent_pid/fd" | wc -l)" "$heap" \
    $(( $(awk '/VmRSS/ {print $2}' "/proc/$agent_pid/status") / 1024 ))
}

"$root/edge-cascade" --version >/dev/null
start_server "$assets/video/one-by-one-person-detection.mp4" cam
"$root/edge-cascade" run --config "$work/config.yaml" --summary "$work/summary.json" >"$work/agent.log" 2>&1 &
agent_pid=$!
for _ in $(seq 300); do grep -q "camera cam: streaming" "$work/agent.log" && break; sleep 0.2; done
sleep "$up"
sample before
for i in $(seq "$restarts"); do
  stop_server
  sleep 0.5
  start_server "$assets/video/one-by-one-person-detection.mp4" cam
  sleep "$up"
  if (( i % 10 == 0 )); then echo "restart $i: $(grep -c 'streaming again' "$work/agent.log") reconnects logged"; fi
  # growth from the start to the middle is mostly warm-up (JIT, allocator arenas); a leak keeps growing after it
  if (( i == restarts / 2 )); then sample middle; fi
done
sleep "$up"
sample after
kill -TERM "$agent_pid"
wait "$agent_pid" || { echo "error: the agent exited $?" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
agent_pid=""
/usr/bin/python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["cameras"]["cam"]; print("summary: reconnects %d, stalls %d, frames %d, state %s" % (c["reconnects"], c["stalls"], c["frames_decoded"], c["state"]))' "$work/summary.json"
