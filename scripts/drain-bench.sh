#!/usr/bin/env bash
# Forwarder drain after an outage, cloud.mode unary against stream, measured in one run (docs/BENCHMARKS.md).
#   scripts/drain-bench.sh [cameras=4] [outage_s=60] [fps=10] [rtt_ms=100] [unary_inflight=4] [stream_inflight=8]
# The server is the reference server answering as an echo after rtt_ms (no detector run): the figure measures the
# forwarder and the protocol, not the server's CPU. Needs the shared data (EDGE_CASCADE_ASSETS, default
# ../shared/data beside the checkout).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
assets="${EDGE_CASCADE_ASSETS:-$root/../shared/data}"
"$root/edge-cascade" --version >/dev/null # builds the distribution when it is stale
exec java -cp "$root/app/target/edge-cascade/lib/*" io.edgecascade.cloud.DrainBenchmark \
  "$assets/models/yolox_nano.onnx" "$assets/images/coco/000000000139.jpg" "$@"
