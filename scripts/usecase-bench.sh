#!/usr/bin/env bash
# Detect-entry benchmark (issue 19): the sample video through one agent twice, once with one detect entry (people on
# every gated frame, today's behaviour) and once with the three entries of the README's use-case example (people;
# vehicles on every 10th gated frame; a classifier after people, on each person's box) and its line_crossing use
# case. Prints, per run, the detector runs of each entry, the frames/s (frames decoded / wall time) and the events.
#   scripts/usecase-bench.sh
# Needs python3, the shared data (EDGE_CASCADE_ASSETS, else ../shared/data) and a built tree (mvn -B verify: the
# distribution app/target/edge-cascade and the cascade test jar, whose TinyClassifier writes the classifier).
# THREADS (default 1) and WORKERS (pipeline.detector_workers, default auto) apply to both runs; KEEP=DIR keeps the
# runs' configs, summaries, logs and events there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
assets="${EDGE_CASCADE_ASSETS:-$root/../shared/data}"
video="$assets/video/one-by-one-person-detection.mp4"
dist="$root/app/target/edge-cascade"
tests_jar="$(ls "$root"/cascade/target/edge-cascade-cascade-*-tests.jar 2>/dev/null | head -1)"
[[ -f "$video" ]] || { echo "error: $video not found; set EDGE_CASCADE_ASSETS to the shared data folder" >&2; exit 1; }
[[ -x "$dist/bin/edge-cascade" && -n "$tests_jar" ]] || { echo "error: build the tree first (mvn -B verify)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "error: python3 is missing (apt-get install python3)" >&2; exit 1; }

work="${KEEP:-$(mktemp -d)}"
mkdir -p "$work"
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT
java -cp "$dist/lib/*:$tests_jar" io.edgecascade.cascade.testing.TinyClassifier "$work" >/dev/null

head() {
  cat <<YAML
models:
  - { name: people, path: $assets/models/yolox_nano.onnx, type: yolox, labels: $assets/models/coco_classes.txt }
  - { name: colour, path: $work/colour.onnx, type: classifier, labels: $work/colour.txt }
threads: ${THREADS:-1}
events: { path: $work/events-\$RUN.jsonl }
metrics: { listen: "0" }
pipeline: { progress_interval_s: 0, detector_workers: ${WORKERS:-auto} }
cameras:
  - id: lobby
    source: $video
    detect:
YAML
}
{ head; echo "      - { model: people, classes: [person] }"; } | sed 's/\$RUN/one/' >"$work/one.yaml"
{ head; cat <<'YAML'
      - { model: people, classes: [person], every: gated }
      - { model: people, name: vehicles, classes: [car], every_n: 10 }
      - { model: colour, after: people, min_score: 0.5 }
    use_cases:
      - { name: door, type: line_crossing, line: [[0.75, 0], [0.75, 1]], labels: [person] }
YAML
} | sed 's/\$RUN/three/' >"$work/three.yaml"

echo "# $(lscpu | sed -n 's/^Model name: *//p'); load: $(uptime | sed 's/.*load average: //')"
for run in one three; do
  "$dist/bin/edge-cascade" run --config "$work/$run.yaml" --summary "$work/$run.json" >"$work/$run.log" 2>&1 \
    || { cat "$work/$run.log" >&2; exit 1; }
  python3 - "$run" "$work/$run.json" <<'PY'
import json, sys
run, s = sys.argv[1], json.load(open(sys.argv[2]))
c = s["cameras"]["lobby"]
runs = ", ".join(f"{k} {v['runs']}" for k, v in c.get("models", {}).items())
fps = c["frames_decoded"] / s["wall_seconds"]
uc = c.get("use_cases", {}).get("door")
print(f"{run} entr{'y' if run == 'one' else 'ies'}: runs {runs}; {c['frames_decoded']} frames in {s['wall_seconds']:.1f} s ="
      f" {fps:.1f} frames/s; {c['events']} events" + (f"; door forward {uc['forward']} backward {uc['backward']}" if uc else ""))
PY
done
