# Sourced by scale-bench.sh and soak.sh: the work folder, cleanup of what they started, and the local RTSP server
# (the test server, cascade/src/test/resources/rtsp/rtsp_server.py). Expects $root.
assets="${EDGE_CASCADE_ASSETS:-$root/../shared/data}"
work="$(mktemp -d)"
server_pid=""
agent_pid=""
cleanup() {
  [[ -n "$agent_pid" ]] && kill "$agent_pid" 2>/dev/null || true
  [[ -n "$server_pid" ]] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkfifo "$work/server-in" # the server ends when its stdin closes: the script holds the writing end open

# start_server VIDEO MOUNTS: starts the server on $port and waits until it listens.
start_server() {
  : >"$work/server.log"
  /usr/bin/python3 "$root/cascade/src/test/resources/rtsp/rtsp_server.py" --port "$port" --video "$1" \
    --mounts "$2" <"$work/server-in" >"$work/server.log" 2>&1 &
  server_pid=$!
  [[ -e /dev/fd/8 ]] || exec 8>"$work/server-in"
  for _ in $(seq 100); do grep -q READY "$work/server.log" && return; sleep 0.1; done
  echo "error: the RTSP server did not start: $(cat "$work/server.log")" >&2
  exit 1
}
