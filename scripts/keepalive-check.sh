#!/usr/bin/env bash
# The keepalive check at the real values (issue 17, item 11), by hand: the forwarder at its default
# cloud.keepalive_s against a C-core gRPC server (Debian's python3-grpcio, the core of Triton and OVMS) with C-core's
# default ping policy (grpc.http2.min_ping_interval_without_data_ms 300000, max_ping_strikes 2), on a
# cloud.mode: stream stream left idle until the client has sent five keepalive pings (about 28 minutes). Passes when
# no GOAWAY came and the frame after the idle time went on the stream opened first. CI runs the same test scaled
# down (KeepaliveTest, about a minute). Needs python3-grpcio and python3-grpc-tools (apt-get install them).
#
#   scripts/keepalive-check.sh            # prints: keepalive-check: N pings over M min ... GOAWAY 0; streams opened 1
set -euo pipefail
cd "$(dirname "$0")/.."
log="$(mktemp)"
echo "keepalive-check: building and running KeepaliveTest at the real defaults (about 30 minutes); log: $log" >&2
if ! mvn -B -Dstyle.color=never -pl cloud -am -Dedge.keepalive.real=true -Dsurefire.failIfNoSpecifiedTests=false \
    -Dtest='KeepaliveTest#atTheRealDefaultsAnIdleStreamOutlastsThreeOfTheServersPingIntervals' verify >"$log" 2>&1; then
  grep -E 'keepalive-check:|FAIL|expected|gave up' "$log" >&2 || true
  echo "keepalive-check: FAILED (full log: $log)" >&2
  exit 1
fi
grep -q 'Tests run: 1, Failures: 0, Errors: 0, Skipped: 0' "$log" \
  || { echo "keepalive-check: the test did not run (full log: $log)" >&2; exit 1; }
grep 'keepalive-check:' "$log" | grep -v 'building' | tail -1
echo "keepalive-check: passed" >&2
