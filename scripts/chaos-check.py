#!/usr/bin/env python3
"""The checks and figures of scripts/chaos-soak.sh, read from its work folder after the last stop.

  chaos-check.py WORK CAMERAS SHUTDOWN_TIMEOUT_S THREAD_TOLERANCE FD_TOLERANCE RSS_BOUND_MB SEED MINUTES SCRAPE_GAP_S
                 FAULTS_BURST_AT FAULTS_BURST_LENGTH

Prints the figures, then one line per failed check ("FAIL: ..."); exits 1 when any check failed.
"""
import collections
import glob
import json
import os
import re
import sys

work = sys.argv[1]
cameras = int(sys.argv[2])
shutdown_timeout = float(sys.argv[3])
thread_tolerance = int(sys.argv[4])
fd_tolerance = int(sys.argv[5])
rss_bound_mb = int(sys.argv[6])
seed = sys.argv[7]
minutes = sys.argv[8]
scrape_gap = int(sys.argv[9])
burst_end = int(sys.argv[10]) + int(sys.argv[11])
failures = []


def fail(line):
    failures.append(line)


def path(name):
    return os.path.join(work, name)


def lines(name):
    p = path(name)
    if not os.path.exists(p):
        return []
    with open(p, encoding="utf-8", errors="replace") as f:
        return [l.rstrip("\n") for l in f if l.strip()]


def metric(text, name, **labels):
    """Sum of the samples of metric `name` whose labels include `labels`."""
    total = 0.0
    for line in text.splitlines():
        m = re.match(r'^(\w+)(?:\{([^}]*)\})? (\S+)$', line)
        if not m or m.group(1) != name:
            continue
        have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2) or ""))
        if all(have.get(k) == v for k, v in labels.items()):
            total += float(m.group(3))
    return total


def by_label(text, name, label):
    out = collections.Counter()
    for line in text.splitlines():
        m = re.match(r'^(\w+)\{([^}]*)\} (\S+)$', line)
        if m and m.group(1) == name:
            have = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
            out[have.get(label, "")] += float(m.group(3))
    return out


runs = sorted(int(os.path.basename(p)[len("summary-"):-len(".json")]) for p in glob.glob(path("summary-*.json")))
started = sorted({int(re.match(r"agent-(\d+)\.log", os.path.basename(p)).group(1))
                  for p in glob.glob(path("agent-*.log"))})
summaries = {}
for r in started:
    try:
        with open(path("summary-%d.json" % r)) as f:
            summaries[r] = json.load(f)
    except (OSError, ValueError) as e:
        fail("run %d: no summary (%s): the agent did not end its run cleanly" % (r, e))

# --- each SIGTERM: exit 0 within the deadline + 2 s -------------------------------------------------------------
print("== chaos soak: %s min, seed %s, %d cameras" % (minutes, seed, cameras))
print("-- SIGTERM: run, seconds to exit, exit code (limit %.0f s)" % (shutdown_timeout + 2))
stops = {}
for l in lines("sigterm.tsv"):
    r, secs, rc = l.split("\t")
    stops[int(r)] = (secs, rc)
    print("   run %s: %s s, exit %s" % (r, secs, rc))
    if secs == "-":
        fail("run %s: the agent ended by itself before its SIGTERM (%s)" % (r, rc))
    elif rc != "0" or float(secs) > shutdown_timeout + 2:
        fail("run %s: SIGTERM -> exit %s after %s s (wanted exit 0 within %.0f s)" % (r, rc, secs,
                                                                                       shutdown_timeout + 2))
for r in started:
    if r not in stops:
        fail("run %d: was never stopped" % r)

# --- no stage thread died -----------------------------------------------------------------------------------------
print("-- stages: restarts and per-frame errors by stage (metrics just before each run's SIGTERM)")
for r in started:
    s = summaries.get(r, {})
    if "fatal" in s:
        fail("run %d: fatal failure: %s" % (r, json.dumps(s["fatal"])))
    log = "\n".join(lines("agent-%d.log" % r))
    for pattern, what in (("stopping the run:", "a fatal failure"), ("(while stopping)", "a fatal failure"),
                          ("left behind", "a stage left behind at the deadline"),
                          ("Exception in thread", "an uncaught exception")):
        n = log.count(pattern)
        if n:
            first = next(l for l in log.splitlines() if pattern in l)
            fail("run %d: %s in the log (%d line(s), first: %s)" % (r, what, n, first[:300]))
    begin = lines("stages-%d-start.txt" % r)
    end = lines("stages-%d-end.txt" % r)
    captures = [t for t in begin if t.startswith("capture-")]
    if len(captures) != cameras or not any(t.startswith("detector-") for t in begin) or "output" not in begin:
        fail("run %d: the stage threads at its start are not complete: %s" % (r, " ".join(begin) or "none read"))
    if begin != end:
        fail("run %d: stage threads at its start and end differ: gone %s, new %s" % (
            r, sorted(set(begin) - set(end)), sorted(set(end) - set(begin))))
    m = "\n".join(lines("metrics-%d-final.txt" % r)) or "\n".join(lines("metrics-%d-end.txt" % r))
    restarts = dict(by_label(m, "edge_cascade_stage_restarts_total", "stage"))
    errors = dict(by_label(m, "edge_cascade_errors_total", "stage"))
    detected = metric(m, "edge_cascade_frames_total", outcome="detected")
    injected = metric(m, "edge_cascade_frames_total", outcome="detector_error")
    print("   run %d: restarts %s; errors %s; frames detected %d, detector errors %d; stage threads %d" % (
        r, {k: int(v) for k, v in restarts.items()} or "none", {k: int(v) for k, v in errors.items()} or "none",
        detected, injected, len(begin)))
    if m and detected + injected < burst_end:
        fail("run %d: only %d inferences before its end: the injected burst (up to inference %d) was not reached"
             % (r, detected + injected, burst_end - 1))
    elif m and (injected < 1 or restarts.get("detector", 0) < 1):
        fail("run %d: the injected engine faults did not show (detector errors %d, detector restarts %d): is the"
             " fault-injecting engine in use?" % (r, injected, restarts.get("detector", 0)))
    if not m:
        fail("run %d: no metrics before its stop" % r)
for l in lines("unsettled.txt"):
    r, label, up, cloud = l.split()
    fail("run %s %s: only %s of %d cameras streaming (cloud up: %s) 120 s after every server was back"
         % (r, label, up, cameras, cloud))

# --- the agent never hung: its metrics endpoint answered throughout each run ---------------------------------------
print("-- liveness: /metrics scraped every 2 s while a run is up (longest gap allowed %d s)" % scrape_gap)
scrapes = collections.defaultdict(list)
for l in lines("scrapes.tsv"):
    t, r, ok, secs = l.split("\t")
    scrapes[int(r)].append((int(t), ok == "ok", float(secs)))
for r in started:
    mine = scrapes.get(r, [])
    answered = [t for t, ok, _ in mine if ok]
    if not answered:
        fail("run %d: its metrics endpoint never answered a scrape" % r)
        continue
    # from the first answer (the endpoint starts with the agent) to the last scrape before the SIGTERM
    window = [(t, ok) for t, ok, _ in mine if t >= answered[0]]
    gap, last_ok, worst_at = 0, answered[0], answered[0]
    for t, ok in window:
        if ok:
            last_ok = t
        elif t - last_ok > gap:
            gap, worst_at = t - last_ok, last_ok
    slowest = max(secs for _, ok, secs in mine if ok)
    failed = sum(1 for _, ok in window if not ok)
    print("   run %d: %d scrapes, %d unanswered, longest gap %d s, slowest answer %.1f s"
          % (r, len(window), failed, gap, slowest))
    if gap > scrape_gap:
        fail("run %d: the metrics endpoint went unanswered for %d s from %s (the agent hung?)" % (r, gap, worst_at))
garbage = [l.split("\t") for l in lines("garbage.tsv")]
kinds = collections.Counter((g[2], g[3], g[4]) for g in garbage)
print("-- garbage sent to the page and /metrics: %d requests; answers %s" % (
    len(garbage), dict(sorted(collections.Counter("%s %s -> %s" % k for k in kinds.elements()).items()))))
for g in garbage:
    # cut, slow and long_header are requests the server may answer once the client half-closes: any answer but a 5xx;
    # random bytes and a POST that lies about its length must never be taken (no 2xx), a foreign Host gets 403
    if g[4].startswith("5"):
        fail("garbage %s to %s in run %s was answered %s (a server error)" % (g[3], g[2], g[1], g[4]))
    if g[3] in ("bytes", "bad_length") and g[4].startswith("2"):
        fail("garbage %s to %s in run %s was taken: %s" % (g[3], g[2], g[1], g[4]))
    if g[4] == "refused":
        fail("the %s endpoint refused a connection in run %s (it had answered before in that run)" % (g[2], g[1]))
    if g[3] == "foreign_host" and g[4] != "403":
        fail("a foreign Host to %s in run %s got %s, not 403" % (g[2], g[1], g[4]))
if not garbage:
    fail("no garbage was sent (is the prober running?)")

# --- every event that started has an end --------------------------------------------------------------------------
events = collections.defaultdict(lambda: collections.Counter())
reasons = collections.Counter()
for l in lines("events.jsonl"):
    try:
        e = json.loads(l)
    except ValueError:
        fail("events.jsonl: a line that is not JSON: %s" % l[:200])
        continue
    if e.get("type") in ("start", "end"):
        events[e["event_id"]][e["type"]] += 1
    if e.get("type") == "end":
        reasons[e.get("reason")] += 1
no_end = [i for i, c in events.items() if c["start"] and not c["end"]]
no_start = [i for i, c in events.items() if c["end"] and not c["start"]]
twice = [i for i, c in events.items() if c["start"] > 1 or c["end"] > 1]
print("-- events: %d started, ends by reason %s" % (sum(1 for c in events.values() if c["start"]), dict(reasons)))
if no_end:
    fail("%d event(s) without an end, e.g. %s" % (len(no_end), no_end[:5]))
if no_start:
    fail("%d end(s) without a start, e.g. %s" % (len(no_start), no_start[:5]))
if twice:
    fail("%d event(s) started or ended twice, e.g. %s" % (len(twice), twice[:5]))
if not events:
    fail("no event at all: the cameras saw nobody")

# --- every frame chosen for the cloud is accounted for ------------------------------------------------------------
def total(field):
    return sum(c.get(field, 0) for s in summaries.values() for c in s.get("cameras", {}).values())


chosen = total("frames_forwarded")
acked = total("forwarded")
dead = total("dead_lettered")
evicted = total("spool_evicted")
not_stored = total("spool_store_failed")  # a full disk: counted, never silent
results = [json.loads(l) for l in lines("cloud-results.jsonl")]
received = set(lines("record.txt"))
left = [l.split("\t") for l in lines("spool-left.tsv")]
letters = []
for p in sorted(glob.glob(path("spoolfs/spool-dead-letters/*.json"))):
    with open(p) as f:
        letters.append(json.load(f))
last = summaries.get(max(started), {}) if started else {}
print("-- forwarding: %d frames chosen for the cloud over %d runs" % (chosen, len(started)))
print("   answered %d (results lines %d, acknowledged %d), dead letters %d (files %d), left in the spool %d (summary"
      " %s), evicted %d, not stored (full disk) %d" % (len(results), len(results), acked, dead, len(letters),
                                                       len(left), last.get("spool_frames"), evicted, not_stored))
accounted = len(results) + len(letters) + len(left) + evicted + not_stored
if accounted != chosen:
    fail("forwarding: %d frames chosen, %d accounted for (answered %d + dead letters %d + left in the spool %d +"
         " evicted %d + not stored %d): %+d" % (chosen, accounted, len(results), len(letters), len(left), evicted,
                                                not_stored, accounted - chosen))
if len(results) != acked:
    fail("forwarding: %d answers in the results file, %d acknowledged by the summaries" % (len(results), acked))
if len(letters) != dead:
    fail("forwarding: %d dead-letter files, %d dead-lettered by the summaries" % (len(letters), dead))
if last and last.get("spool_frames") != len(left):
    fail("forwarding: the last summary says %s frames left in the spool, the spool holds %d"
         % (last.get("spool_frames"), len(left)))
missing = [r["id"] for r in results if r["id"] not in received]
if missing:
    fail("forwarding: %d answered frame(s) not in the server's record, e.g. %s" % (len(missing), missing[:3]))
answered = collections.Counter(r["id"] for r in results)
dupes = [i for i, n in answered.items() if n > 1]
if dupes:
    fail("forwarding: %d frame(s) answered more than once, e.g. %s" % (len(dupes), dupes[:3]))
still = [w[0] for w in left if w[0] in answered]
if still:
    fail("forwarding: %d frame(s) both answered and still in the spool, e.g. %s" % (len(still), still[:3]))
for d in letters:
    if d.get("reason") not in ("rejected", "max_attempts", "unusable") or not d.get("status") or not d.get("error"):
        fail("dead letter %s has no reason, status or error: %s" % (d.get("id"), {k: d.get(k) for k in (
            "reason", "status", "error")}))
if letters:
    print("   dead letters by reason: %s" % dict(collections.Counter((d.get("reason"), d.get("status"))
                                                                   for d in letters)))
if chosen == 0:
    fail("forwarding: no frame was chosen for the cloud")

# --- threads and descriptors flat, RSS bounded --------------------------------------------------------------------
samples = [l.split("\t") for l in lines("samples.tsv")[1:]]
kills = collections.Counter(l.split("\t")[1] for l in lines("kills.tsv"))
print("-- chaos: cloud SIGKILLed %d times and SIGSTOPped %d times, RTSP servers SIGKILLed %d times (a: %d, b: %d)" % (
    kills["cloud"], kills["cloud-stall"], kills["rtsp-a"] + kills["rtsp-b"], kills["rtsp-a"], kills["rtsp-b"]))
print("-- resources (settled samples: every camera streaming, cloud up)")
peak_rss = max((int(s[5]) for s in samples), default=0) // 1024
peak_spool = max((int(s[6]) for s in samples), default=0)
for r in started:
    mine = [s for s in samples if int(s[1]) == r]
    start = next((s for s in mine if s[2] == "start"), None)
    end = next((s for s in mine if s[2] == "end"), None)
    if not start or not end:
        fail("run %d: no settled sample at its %s" % (r, "start" if not start else "end"))
        continue
    th0, th1, fd0, fd1 = int(start[3]), int(end[3]), int(start[4]), int(end[4])
    rss = [int(s[5]) // 1024 for s in mine]
    print("   run %d: %d s; threads %d -> %d (all samples %d..%d), fds %d -> %d (%d..%d), RSS %d -> %d MB (peak %d)"
          % (r, int(end[0]) - int(start[0]), th0, th1, min(int(s[3]) for s in mine), max(int(s[3]) for s in mine),
             fd0, fd1, min(int(s[4]) for s in mine), max(int(s[4]) for s in mine), int(start[5]) // 1024,
             int(end[5]) // 1024, max(rss)))
    # Flat means no growth with time: thread pools (the page's request threads, gRPC's executor) and connections fill
    # up in the first minutes of chaos and then stay; a leak keeps growing with every kill. So the peak of the second
    # half of the run (every sample, 10 s apart) against the peak of its first half.
    t_mid = (int(mine[0][0]) + int(mine[-1][0])) / 2
    for col, what, tolerance in ((3, "threads", thread_tolerance), (4, "file descriptors", fd_tolerance)):
        first = max((int(s[col]) for s in mine if int(s[0]) <= t_mid), default=0)
        second = max((int(s[col]) for s in mine if int(s[0]) > t_mid), default=0)
        if second - first > tolerance:
            fail("run %d: %s kept growing: peak %d in the first half of the run, %d in the second (tolerance %d)"
                 % (r, what, first, second, tolerance))
full = lines("spool-full.txt")
print("   peak RSS %d MB (bound %d MB), peak spool disk use %.1f MB (sampled every 10 s); the spool's disk %s" % (
    peak_rss, rss_bound_mb, peak_spool / 1e6, "filled up in run %s" % full[0].split()[0] if full else "never filled"))
if peak_rss > rss_bound_mb:
    fail("RSS peaked at %d MB (bound %d MB)" % (peak_rss, rss_bound_mb))

if failures:
    print("== %d check(s) failed:" % len(failures))
    for f in failures:
        print("FAIL: " + f)
    sys.exit(1)
print("== every check passed")
