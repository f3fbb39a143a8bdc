#!/usr/bin/env bash
# Chaos soak (issue 17): the agent under every failure it is built to survive at once, for MINUTES minutes, then a
# check that nothing was lost, nothing died and nothing leaked.
#
#   scripts/chaos-soak.sh MINUTES          (at least 3; CI runs 3, docs/BENCHMARKS.md records 60)
#
# What runs, all on loopback:
#   - 8 live cameras from two GStreamer RTSP test servers (cascade/src/test/resources/rtsp/rtsp_server.py): six of the
#     sample video, two of the sample video side by side with itself (ffmpeg hstack: two tracks start on one frame);
#     each server SIGKILLed at random every 20-60 s and restarted 1-10 s later;
#   - the reference cloud server (edge-cascade cloud, its own process, --record) with cloud.mode: stream, SIGKILLed
#     at random every 30-90 s and restarted 2-20 s later, and stalled (SIGSTOP: it holds its connections and answers
#     nothing) for 5-25 s every 40-120 s; once, in the middle run, it stays down until the spool's disk is full (at
#     most half of that run);
#   - the engine 'fault-injecting' (test code: engines/src/test/.../testing/FaultInjectingEngine, registered through
#     the engines' ServiceLoader from a jar built here from the test classes, on EDGE_CASCADE_CLASSPATH): every 50th
#     inference of the process fails, and inferences 30-49 fail in a row (once per agent run);
#   - the page and the metrics endpoint scraped every 2 s and sent garbage every 10-30 s (scripts/chaos-probe.py):
#     random bytes, cut-off and oversized requests, a foreign Host, a request that never finishes, a lying
#     Content-Length;
#   - the spool and its dead-letter folder on a 32 MB tmpfs (mounted here: needs root; without root the spool is
#     bounded by spool.max_bytes = 32 MB instead, said in one line); in the long outage a ballast file fills that
#     disk but for 1 MB (another writer), removed before the next run: the spool evicts its oldest positives;
#   - the agent SIGTERMed and started again twice (three runs of MINUTES/3), and SIGTERMed at the end: the first stop
#     just after the cloud and a camera server were SIGKILLed, the second in the long outage with the spool full.
#
# Then it checks (scripts/chaos-check.py), one line per failed check and a non-zero exit on any: the agent never hung
# (its metrics endpoint answered throughout each run, at most 30 s without an answer); each SIGTERM exited 0 within
# pipeline.shutdown_timeout_s + 2 s; no stage thread died (exit codes, no fatal failure in the summaries or logs, the
# same capture/detector/output/sink threads before and after each run); every event that started has an end; every
# frame the agent chose for the cloud is accounted for: answered (its id in the server's --record file), in the
# dead-letter folder with a reason, still in the spool after the last stop, or counted as evicted or not stored (full
# disk); the injected faults were met and survived; garbage was never taken and got no 5xx, a foreign Host got 403;
# threads and file descriptors flat (the peak of each run's second half against its first half's: pools fill in the
# first minutes, a leak keeps growing) and RSS bounded (samples every 10 s; tolerances below).
#
# Environment: EDGE_CASCADE_ASSETS (default ../shared/data beside the checkout), CHAOS_SEED (random seed: the same
# seed gives the same schedule), CHAOS_WORK (work folder; default a new one under /tmp, removed after a pass, kept
# after a failure). Needs ffmpeg, python3-gi + gir1.2-gst-rtsp-server-1.0 + the gstreamer1.0 plugins, a JDK (jar,
# jcmd) and Maven for the build (see .ci/run); CHAOS_MAVEN_ARGS adds Maven options to that build (e.g. -o).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
minutes="${1:-}"
if ! [[ "$minutes" =~ ^[0-9]+$ ]] || (( minutes < 3 )); then
  echo "usage: scripts/chaos-soak.sh MINUTES   (at least 3)" >&2
  exit 2
fi
assets="${EDGE_CASCADE_ASSETS:-$root/../shared/data}"
video="$assets/video/one-by-one-person-detection.mp4"
model="$assets/models/yolox_nano.onnx"
if [[ ! -f "$video" || ! -f "$model" ]]; then
  echo "error: test data not found in $assets; set EDGE_CASCADE_ASSETS" >&2
  exit 2
fi
seed="${CHAOS_SEED:-$(( $(date +%s) % 32768 ))}"
RANDOM=$seed
work="${CHAOS_WORK:-$(mktemp -d /tmp/chaos-soak.XXXXXX)}"
mkdir -p "$work"

# The checks' tolerances (why these numbers: docs/BENCHMARKS.md, "Chaos soak").
shutdown_timeout_s=20          # pipeline.shutdown_timeout_s: the default
thread_tolerance=8             # settled end - settled start of a run
fd_tolerance=8
rss_bound_mb=1024              # peak RSS of the agent (-Xmx512m), whole soak
scrape_gap_s=30                # longest time a running agent may leave its metrics endpoint unanswered
faults_every=50                # the fault-injecting engine: every 50th inference fails,
faults_burst_at=30             # and inferences 30..49 of each run fail in a row
faults_burst_length=20

declare -A pid=([agent]="" [cloud]="" [rtsp-a]="" [rtsp-b]="" [probe]="")
declare -A next_kill=() back_at=([cloud]=0 [rtsp-a]=0 [rtsp-b]=0) # epoch seconds of each server's next kill and return
spool_mounted=""
passed=""
log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" | tee -a "$work/chaos.log"; }
now() { printf '%(%s)T' -1; }
alive() { # a child that has exited stays a zombie until waited for: look at its state
  local s
  [[ -n "$1" ]] && s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s="${s##*) }"
  [[ "${s:0:1}" != Z ]]
}
stop_pid() { # name signal
  local p="${pid[$1]:-}"
  [[ -n "$p" ]] || return 0
  kill "-$2" "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  pid[$1]=""
}
cleanup() {
  touch "$work/probe.stop"
  for name in agent cloud rtsp-a rtsp-b probe; do stop_pid "$name" KILL; done
  exec 8>&- 2>/dev/null || true
  [[ -n "$spool_mounted" ]] && umount "$work/spoolfs" 2>/dev/null
  if [[ -n "$passed" && -z "${CHAOS_WORK:-}" ]]; then
    rm -rf "$work"
  else
    echo "chaos soak: its files are in $work"
  fi
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rand() { echo $(( $1 + RANDOM % ($2 - $1 + 1) )); } # a random integer in [$1, $2]

log "chaos soak: $minutes min, seed $seed, work folder $work"

# --- build: the distribution and the test classes, when missing or older than a source (after 'mvn verify': fresh) --
bin="$root/app/target/edge-cascade/bin/edge-cascade"
dist_jar=$(ls "$root"/app/target/edge-cascade/lib/edge-cascade-app-*.jar 2>/dev/null | head -1 || true)
if [[ -z "$dist_jar" || ! -d "$root/engines/target/test-classes/io/edgecascade/engines/testing" \
      || -n "$(find "$root/pom.xml" "$root"/*/pom.xml "$root"/*/src -newer "$dist_jar" -print -quit 2>/dev/null)" ]]; then
  log "building the distribution and the test classes (mvn -B -DskipTests package ${CHAOS_MAVEN_ARGS:-})"
  # shellcheck disable=SC2086 # CHAOS_MAVEN_ARGS: further Maven options, e.g. -o
  if ! (cd "$root" && mvn -B -q ${CHAOS_MAVEN_ARGS:-} -DskipTests package) >"$work/build.log" 2>&1; then
    tail -30 "$work/build.log"
    log "error: the build failed (log: $work/build.log)"
    exit 1
  fi
fi
mkdir -p "$work/jar/META-INF/services" "$work/jar/io/edgecascade/engines/testing" "$work/jar/io/edgecascade/cascade/testing"
cp "$root"/engines/target/test-classes/io/edgecascade/engines/testing/FaultInjectingEngine*.class \
  "$work/jar/io/edgecascade/engines/testing/"
cp "$root"/cascade/target/test-classes/io/edgecascade/cascade/testing/SpoolListing*.class \
  "$work/jar/io/edgecascade/cascade/testing/"
echo 'io.edgecascade.engines.testing.FaultInjectingEngine$Factory' \
  >"$work/jar/META-INF/services/io.edgecascade.engines.EngineFactory"
jar --create --file "$work/chaos.jar" -C "$work/jar" .

# --- the cameras' videos and servers -----------------------------------------------------------------------------
ffmpeg -nostdin -loglevel error -y -i "$video" -i "$video" -filter_complex hstack -an -c:v libx264 -preset ultrafast \
  -g 20 -pix_fmt yuv420p "$work/twin.mp4"
declare -A port=([rtsp-a]=$(free_port) [rtsp-b]=$(free_port) [cloud]=$(free_port) [metrics]=$(free_port)
  [ui]=$(free_port))
declare -A rtsp_video=([rtsp-a]="$video" [rtsp-b]="$work/twin.mp4")
declare -A rtsp_mounts=([rtsp-a]="cam1,cam2,cam3,cam4,cam5,cam6" [rtsp-b]="twin1,twin2")
cameras=(cam1 cam2 cam3 cam4 cam5 cam6 twin1 twin2)
mkfifo "$work/rtsp-in" # the servers end when their stdin closes: the script holds the writing end open (fd 8)

start_rtsp() { # name; waits until it listens (the port of a killed server may take a moment to be free)
  local name="$1" attempt
  for attempt in $(seq 40); do
    : >"$work/$name.out"
    /usr/bin/python3 "$root/cascade/src/test/resources/rtsp/rtsp_server.py" --port "${port[$name]}" \
      --video "${rtsp_video[$name]}" --mounts "${rtsp_mounts[$name]}" <"$work/rtsp-in" >"$work/$name.out" 2>&1 &
    pid[$name]=$!
    [[ -e /dev/fd/8 ]] || exec 8>"$work/rtsp-in"
    for _ in $(seq 100); do
      grep -q READY "$work/$name.out" && return 0
      alive "${pid[$name]}" || break
      sleep 0.1
    done
    stop_pid "$name" KILL
    sleep 0.25
  done
  log "error: the RTSP server $name did not start: $(cat "$work/$name.out")"
  exit 1
}

start_cloud() {
  JAVA_OPTS="-Xmx384m" "$bin" cloud --listen "127.0.0.1:${port[cloud]}" --model "yolox=$model" \
    --record "$work/record.txt" --threads 1 >>"$work/cloud.log" 2>&1 &
  pid[cloud]=$!
  cloud_stalled=""
  cloud_listening=""
  next_kill[cloud]=$(( $(now) + 1000000000 )) # its 30-90 s begin once it listens (chaos_tick): a JVM start takes a
}                                            # while on a loaded machine, and a cloud never up tests nothing
cloud_stalled=""
cloud_listening=""
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- the spool's disk ---------------------------------------------------------------------------------------------
mkdir -p "$work/spoolfs"
spool_bound=""
if mount -t tmpfs -o size=32m,mode=0700 tmpfs "$work/spoolfs" 2>"$work/mount.err"; then
  spool_mounted=1
  log "spool: a 32 MB tmpfs at $work/spoolfs"
else
  spool_bound="  max_bytes: 33554432"
  log "note: cannot mount a tmpfs for the spool ($(head -1 "$work/mount.err")): it needs root; the spool is bounded by" \
    "spool.max_bytes (32 MB) instead, so it evicts its oldest records rather than meeting a full disk"
fi

{
  cat <<YAML
model: { path: $model, labels: $assets/models/coco_classes.txt }
engine: fault-injecting
threads: 1
events: { path: $work/events.jsonl }
metrics: { listen: "127.0.0.1:${port[metrics]}" }
ui: { listen: "127.0.0.1:${port[ui]}" }
pipeline: { detector_workers: 2, shutdown_timeout_s: $shutdown_timeout_s, progress_interval_s: 60 }
cloud:
  url: 127.0.0.1:${port[cloud]}
  mode: stream
  backoff_ms: 200
  max_backoff_ms: 2000
  results_path: $work/cloud-results.jsonl
spool:
  dir: $work/spoolfs/spool
  fsync: interval
YAML
  [[ -n "$spool_bound" ]] && echo "$spool_bound"
  echo "cameras:"
  for c in "${cameras[@]}"; do
    server=rtsp-a
    [[ $c == twin* ]] && server=rtsp-b
    echo "  - { id: $c, source: \"rtsp://127.0.0.1:${port[$server]}/$c\", stall_seconds: 5," \
      "reconnect: { initial_ms: 200, max_ms: 2000 } }"
  done
} >"$work/agent.yaml"

# --- the agent ----------------------------------------------------------------------------------------------------
run=0
start_agent() {
  run=$((run + 1))
  EDGE_CASCADE_CLASSPATH="$work/chaos.jar" \
    JAVA_OPTS="-Xmx512m -Dedgecascade.faults.every=$faults_every -Dedgecascade.faults.burst_at=$faults_burst_at \
-Dedgecascade.faults.burst_length=$faults_burst_length" \
    "$bin" run --config "$work/agent.yaml" --summary "$work/summary-$run.json" >"$work/agent-$run.log" 2>&1 &
  pid[agent]=$!
  run_started=$(now)
  echo "$run up" >"$work/agent.state"
  log "agent run $run started (pid ${pid[agent]})"
}

# SIGTERM, then the time to exit and the exit code, into sigterm.tsv; a hang is SIGKILLed after the deadline + 30 s.
stop_agent() {
  local p="${pid[agent]}" t0 t1 rc=0 limit=$((shutdown_timeout_s + 30))
  scrape >"$work/metrics-$run-final.txt" # the counts just before the stop
  echo "$run down" >"$work/agent.state"
  t0=$EPOCHREALTIME
  kill -TERM "$p"
  while alive "$p" && (( $(now) - ${t0%.*} < limit )); do sleep 0.05; done
  t1=$EPOCHREALTIME
  if alive "$p"; then
    kill -KILL "$p"
    log "agent run $run did not exit within $limit s of SIGTERM: SIGKILLed"
  fi
  wait "$p" || rc=$?
  pid[agent]=""
  printf '%d\t%s\t%d\n' "$run" "$(/usr/bin/python3 -c "print(f'{$t1 - $t0:.2f}')")" "$rc" >>"$work/sigterm.tsv"
  log "agent run $run: SIGTERM -> exit $rc after $(tail -1 "$work/sigterm.tsv" | cut -f2) s"
}

scrape() { # the agent's metrics, or nothing while it does not answer
  /usr/bin/python3 - "${port[metrics]}" <<'PY' 2>/dev/null || true
import sys, urllib.request
print(urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode())
PY
}

# One line of samples.tsv: time, run, label, threads, fds, RSS kB, spool disk bytes, cloud up, servers up.
sample() { # label
  local p="${pid[agent]}" threads fds rss spool
  [[ -n "$p" && -r /proc/$p/status ]] || return 0
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$p/status")
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$p/status")
  fds=$(ls "/proc/$p/fd" 2>/dev/null | wc -l)
  spool=$(du -sb "$work/spoolfs" 2>/dev/null | cut -f1)
  printf '%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(now)" "$run" "$1" "$threads" "$fds" "$rss" "${spool:-0}" \
    "$([[ -n "${pid[cloud]}" ]] && echo 1 || echo 0)" "$([[ -n "${pid[rtsp-a]}" ]] && echo 1 || echo 0)" \
    "$([[ -n "${pid[rtsp-b]}" ]] && echo 1 || echo 0)" >>"$work/samples.tsv"
}

# Settles the chaos (every server up), waits until every camera streams and the cloud answers (at most 120 s), then
# takes a settled sample and the names of the stage threads: the start or end point of a run's leak checks.
settle() { # label
  local label="$1" m up=0 cloud=0 until=$(( $(now) + 120 ))
  for name in rtsp-a rtsp-b; do
    if [[ -z "${pid[$name]}" ]]; then start_rtsp "$name"; next_kill[$name]=$(( $(now) + $(rand 20 60) )); fi
  done
  [[ -z "${pid[cloud]}" ]] && start_cloud
  if [[ -n "$cloud_stalled" ]]; then kill -CONT "${pid[cloud]}"; cloud_stalled=""; next_stall=$(( $(now) + $(rand 40 120) )); fi
  while (( $(now) < until )); do
    m=$(scrape)
    up=$(grep -c '^edge_cascade_camera_up{.*} 1\.0$' <<<"$m" || true)
    cloud=$(grep -c '^edge_cascade_cloud_up 1\.0$' <<<"$m" || true)
    (( up == ${#cameras[@]} && cloud == 1 )) && break
    sleep 1
  done
  if (( up != ${#cameras[@]} || cloud != 1 )); then
    log "run $run $label: not settled within 120 s: $up of ${#cameras[@]} cameras streaming, cloud up $cloud"
    echo "$run $label $up $cloud" >>"$work/unsettled.txt"
  fi
  sleep 2
  sample "$label"
  jcmd "${pid[agent]}" Thread.print 2>/dev/null | sed -n 's/^"\(capture-[^"]*\|detector-[^"]*\|output\|sink-[^"]*\)".*/\1/p' \
    | sort >"$work/stages-$run-$label.txt" || true
  scrape >"$work/metrics-$run-$label.txt"
  log "run $run: settled $label sample taken"
}

kill_server() { # name: SIGKILL, noted in kills.tsv; back after back_at[name]
  stop_pid "$1" KILL
  [[ $1 == cloud ]] && cloud_stalled=""
  printf '%s\t%s\t%d\n' "$(now)" "$1" "$run" >>"$work/kills.tsv"
}

# One second of chaos: each server killed when its time comes and started again when its outage is over.
chaos_tick() {
  local t name
  t=$(now)
  if [[ -n "${pid[cloud]}" ]] && ! alive "${pid[cloud]}"; then
    log "the cloud server ended by itself (see cloud.log); starting it again"
    wait "${pid[cloud]}" || true
    start_cloud
  fi
  if [[ -n "${pid[cloud]}" && -z "$cloud_listening" ]] && port_open "${port[cloud]}"; then
    cloud_listening=1
    next_kill[cloud]=$(( t + $(rand 30 90) ))
  fi
  if [[ -n "$cloud_stalled" ]] && (( t >= cloud_stalled )); then
    kill -CONT "${pid[cloud]}" 2>/dev/null || true
    cloud_stalled=""
    next_stall=$(( t + $(rand 40 120) ))
  elif [[ -n "$cloud_listening" && -z "$cloud_stalled" ]] && (( t >= next_stall && t + 25 < ${next_kill[cloud]} )); then
    kill -STOP "${pid[cloud]}"
    cloud_stalled=$(( t + $(rand 5 25) ))
    printf '%s\t%s\t%d\n' "$t" cloud-stall "$run" >>"$work/kills.tsv"
  fi
  for name in cloud rtsp-a rtsp-b; do
    if [[ -n "${pid[$name]}" ]] && (( t >= ${next_kill[$name]} )); then
      kill_server "$name"
      if [[ $name == cloud ]]; then back_at[$name]=$(( t + $(rand 2 20) )); else back_at[$name]=$(( t + $(rand 1 10) )); fi
    elif [[ -z "${pid[$name]}" ]] && (( t >= ${back_at[$name]} )); then
      if [[ $name == cloud ]]; then start_cloud
      else start_rtsp "$name"; next_kill[$name]=$(( $(now) + $(rand 20 60) )); fi
    fi
  done
  if (( t >= next_sample )); then
    sample chaos
    next_sample=$(( t + 10 ))
  fi
}

chaos_until() { # epoch second: the chaos runs until then (or until the agent ends by itself)
  while (( $(now) < $1 )); do
    if ! alive "${pid[agent]}"; then
      log "agent run $run ended by itself"
      return 1
    fi
    chaos_tick
    sleep 1
  done
}

# --- the soak -----------------------------------------------------------------------------------------------------
printf 'time\trun\tlabel\tthreads\tfds\trss_kb\tspool_bytes\tcloud\trtsp_a\trtsp_b\n' >"$work/samples.tsv"
: >"$work/sigterm.tsv"
: >"$work/kills.tsv"
start_rtsp rtsp-a
start_rtsp rtsp-b
start_cloud
soak_start=$(now)
run_seconds=$(( minutes * 60 / 3 ))
next_kill[rtsp-a]=$(( soak_start + $(rand 20 60) ))
next_kill[rtsp-b]=$(( soak_start + $(rand 20 60) ))
next_stall=$(( soak_start + $(rand 20 60) ))
echo "0 down" >"$work/agent.state"
/usr/bin/python3 "$root/scripts/chaos-probe.py" "$work" "${port[metrics]}" "${port[ui]}" "$seed" \
  >"$work/probe.log" 2>&1 &
pid[probe]=$!
next_sample=$soak_start
# The settled start of a run: once the JIT and the connections warmed up (a sixth of the run, 20..120 s).
warm=$(( run_seconds / 6 ))
(( warm < 20 )) && warm=20
(( warm > 120 )) && warm=120
for r in 1 2 3; do
  if [[ -f "$work/spoolfs/ballast" ]]; then
    rm -f "$work/spoolfs/ballast" # the disk is freed while the agent is down: the spool stores again
    log "the spool's disk freed (ballast removed)"
  fi
  start_agent
  chaos_until $(( run_started + warm )) && settle start
  # the chaos until 20 s before the run's planned end (MINUTES/3 from its start, at least 30 s after its settled
  # start), then the settled end
  run_end=$(( run_started + run_seconds - 20 ))
  (( run_end < $(now) + 30 )) && run_end=$(( $(now) + 30 ))
  if chaos_until "$run_end"; then
    settle end
    case $r in
      1) # the stop meets a broken stream: the cloud and a camera server SIGKILLed just before the SIGTERM
        kill_server cloud; back_at[cloud]=$(( $(now) + $(rand 5 20) ))
        kill_server rtsp-a; back_at[rtsp-a]=$(( $(now) + $(rand 1 10) ))
        sleep 3 ;;
      2) # the long outage: the cloud stays down until the spool's disk is full (at most half a run), over the stop
        kill_server cloud
        back_at[cloud]=$(( $(now) + 1000000000 )) # held down here
        log "the long outage: the cloud stays down until the spool's disk is full, at most $(( run_seconds / 2 )) s"
        if [[ -n "$spool_mounted" ]]; then # another writer fills the disk but for 1 MB: the spool finds its disk full soon
          free=$(df --output=avail -B1 "$work/spoolfs" | tail -1)
          if (( free > 1048576 )); then
            fallocate -l $(( free - 1048576 )) "$work/spoolfs/ballast" || true
            log "the spool's disk filled by another writer but for 1 MB ($(( (free - 1048576) >> 20 )) MB of ballast)"
          fi
        fi
        until_back=$(( $(now) + run_seconds / 2 ))
        while (( $(now) < until_back )) && alive "${pid[agent]}"; do
          # a full disk makes the spool evict its oldest positives (or, if even that cannot help, refuse new ones)
          if grep -qE 'spool: its disk is full|cannot store a positive' "$work/agent-$run.log"; then
            echo "$run $(now)" >"$work/spool-full.txt"
            log "the spool's disk is full (the agent evicts its oldest positives or cannot store new ones)"
            break
          fi
          chaos_tick
          sleep 1
        done
        # it comes back a few seconds into the next run
        back_at[cloud]=$(( $(now) + $(rand 10 20) )) ;;
    esac
    stop_agent
  else
    wait "${pid[agent]}" || true
    pid[agent]=""
    printf '%d\t-\tended by itself\n' "$run" >>"$work/sigterm.tsv"
  fi
done
touch "$work/probe.stop"
[[ -n "$cloud_stalled" ]] && kill -CONT "${pid[cloud]}" 2>/dev/null
stop_pid cloud TERM
stop_pid probe TERM
stop_pid rtsp-a TERM
stop_pid rtsp-b TERM
java -cp "$root/app/target/edge-cascade/lib/*:$work/chaos.jar" io.edgecascade.cascade.testing.SpoolListing \
  "$work/spoolfs/spool" >"$work/spool-left.tsv" 2>"$work/spool-listing.log"

# --- the checks ---------------------------------------------------------------------------------------------------
if /usr/bin/python3 "$root/scripts/chaos-check.py" "$work" "${#cameras[@]}" "$shutdown_timeout_s" \
    "$thread_tolerance" "$fd_tolerance" "$rss_bound_mb" "$seed" "$minutes" "$scrape_gap_s" \
    "$faults_burst_at" "$faults_burst_length"; then
  passed=1
  log "chaos soak passed"
else
  log "chaos soak FAILED"
  exit 1
fi
