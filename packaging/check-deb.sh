#!/usr/bin/env bash
# Installs the edge-cascade .deb on this machine and checks what a user gets (CI runs it as root):
#   - dpkg installs it (apt-get brings its Depends), the edge-cascade user and /var/lib/edge-cascade exist,
#     /etc/edge-cascade/config.yaml is a conffile;
#   - systemd-analyze verify passes on the installed unit;
#   - the installed agent, as the edge-cascade user, runs the sample video with the sample model, writes its
#     summary and events, reloads its config on SIGHUP (systemctl reload) and goes on, leaves nothing in its home directory
#     (natives are pre-extracted) and needs no Java on PATH.
#   packaging/check-deb.sh PATH/edge-cascade_VERSION_ARCH.deb
# Needs EDGE_CASCADE_ASSETS (models/yolox_nano.onnx, video/one-by-one-person-detection.mp4), root, ffmpeg.
set -euo pipefail
deb="$(readlink -f "$1")"
assets="${EDGE_CASCADE_ASSETS:?set EDGE_CASCADE_ASSETS to the test data folder}"
fail() { echo "check-deb: FAILED: $*" >&2; exit 1; }
[[ $(id -u) == 0 ]] || fail "run as root (it installs a package)"
export DEBIAN_FRONTEND=noninteractive

# dpkg -i leaves missing Depends unconfigured; apt-get -f then installs them and finishes the configuration.
if ! dpkg -i "$deb" >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -f -y -qq --no-install-recommends >/dev/null
fi
dpkg -s edge-cascade | grep -q '^Status: install ok installed' || fail "the package did not install"
getent passwd edge-cascade >/dev/null || fail "no edge-cascade user"
[[ "$(stat -c %U /var/lib/edge-cascade)" == edge-cascade ]] || fail "/var/lib/edge-cascade is not the agent's"
grep -qx /etc/edge-cascade/config.yaml /var/lib/dpkg/info/edge-cascade.conffiles || fail "config.yaml is no conffile"
systemd-analyze verify /lib/systemd/system/edge-cascade.service || fail "systemd-analyze verify"
/usr/bin/edge-cascade --version | grep -q '^edge-cascade ' || fail "--version"
grep -q /var/lib/edge-cascade/models /etc/edge-cascade/config.yaml || fail "config.yaml does not use the state dir"

# A run as the service runs it: the agent's user, its state directory, no Java on PATH, the unit's environment.
work="$(mktemp -d /var/lib/edge-cascade/check.XXXXXX)"
trap 'rm -rf "$work"' EXIT
cp "$assets/models/yolox_nano.onnx" "$assets/models/coco_classes.txt" "$work/"
# The packaged config validates once its models are there ($EDGE_CASCADE_MODELS stands for models pull here).
EDGE_CASCADE_MODELS="$work" /opt/edge-cascade/bin/edge-cascade config validate /etc/edge-cascade/config.yaml \
  >"$work/validate.txt" 2>&1 || { cat "$work/validate.txt"; fail "the packaged config.yaml does not validate"; }
# 12 s of the sample video: people walk in and out, enough for events.
ffmpeg -loglevel error -y -i "$assets/video/one-by-one-person-detection.mp4" -t 12 -c copy "$work/clip.mp4"
cat > "$work/config.yaml" <<YAML
model: { path: $work/yolox_nano.onnx, labels: $work/coco_classes.txt }
events: { path: $work/events.jsonl }
metrics: { listen: 0 }
cameras: [ { id: lobby, source: $work/clip.mp4, realtime: true } ]
YAML
chown -R edge-cascade:edge-cascade "$work"
home_before="$(find /var/lib/edge-cascade -maxdepth 1 -name '.*' | sort)"
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin EDGE_CASCADE_DATA=/var/lib/edge-cascade \
  XDG_CACHE_HOME=/var/lib/edge-cascade/cache \
  setpriv --reuid=edge-cascade --regid=edge-cascade --init-groups --no-new-privs \
  /opt/edge-cascade/bin/edge-cascade run --config "$work/config.yaml" --summary "$work/summary.json" \
  >"$work/agent.log" 2>&1 &
agent=$!
for _ in $(seq 1 120); do grep -q "camera lobby: reading" "$work/agent.log" && break; sleep 0.5; done
grep -q "camera lobby: reading" "$work/agent.log" || { cat "$work/agent.log"; fail "the agent did not start"; }
sleep 2
kill -HUP "$agent"   # what 'systemctl reload' sends: the agent must go on
set +e; wait "$agent"; status=$?; set -e
[[ $status == 0 ]] || { cat "$work/agent.log"; fail "the agent exited $status (after a SIGHUP)"; }
grep -q "config reload: .* no value changed" "$work/agent.log" || { cat "$work/agent.log"; fail "SIGHUP did not reload"; }
python3 - "$work/summary.json" "$work/events.jsonl" <<'PY' || { cat "$work/agent.log"; fail "summary"; }
import json, sys
cam = json.load(open(sys.argv[1]))["cameras"]["lobby"]
events = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
print(f"check-deb: summary: {cam['frames_decoded']} frames decoded, {cam['frames_positive']} positive, "
      f"{len(events)} event lines")
assert cam["frames_decoded"] >= 100, cam   # 12 s of a 10 fps video, at real time
assert cam["frames_positive"] > 0, cam
assert events, "no events"
PY
home_after="$(find /var/lib/edge-cascade -maxdepth 1 -name '.*' | sort)"
[[ "$home_before" == "$home_after" ]] || fail "the agent wrote into its home directory: $home_after"
[[ ! -e /var/lib/edge-cascade/.javacpp && ! -e /var/lib/edge-cascade/.cache ]] || fail "natives were unpacked at start"
echo "check-deb: ok ($(basename "$deb"): installed, unit verified, the agent ran as edge-cascade and reloaded on SIGHUP)"
