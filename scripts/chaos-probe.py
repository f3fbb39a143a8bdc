#!/usr/bin/env python3
"""The chaos soak's prober (scripts/chaos-soak.sh): runs beside the agent for the whole soak.

  chaos-probe.py WORK METRICS_PORT UI_PORT SEED

- Scrapes the agent's /metrics every 2 s (10 s timeout) and writes one line per scrape to WORK/scrapes.tsv:
  epoch seconds, the agent run it belongs to (read from WORK/agent.state, "RUN up" or "RUN down"), ok|fail, seconds
  taken. chaos-check.py reads it: while a run is up, the endpoint must never go unanswered for long (a hung agent).
- Every 10-30 s (seeded), once each has answered in the agent's current run, sends garbage to the page and to the
  metrics endpoint, one kind at a time: random bytes, a request cut off in its headers, a 64 KiB header line, a
  request with a foreign Host (which must get 403), a request that never finishes (held open 20 s), and a POST with a
  body longer than it says. Writes WORK/garbage.tsv: epoch seconds, run, endpoint, kind, what came back (a status,
  "closed", "timeout", "refused"; "stopped" when the run was stopped meanwhile). chaos-check.py: no 5xx, random
  bytes and the lying POST never taken (2xx), the foreign Host 403, never refused while the run was up.
Ends when WORK/probe.stop exists.
"""
import os
import random
import socket
import sys
import threading
import time

work, metrics_port, ui_port, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
lock = threading.Lock()


def state():
    try:
        with open(os.path.join(work, "agent.state")) as f:
            run, up = f.read().split()
            return run, up
    except (OSError, ValueError):
        return "0", "down"


def append(name, *fields):
    with lock, open(os.path.join(work, name), "a") as f:
        f.write("\t".join(str(x) for x in fields) + "\n")


def exchange(port, data, timeout=10.0, hold=0.0):
    """Sends `data` and returns the status of the answer, "closed" when none came, or "timeout"."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(data)
            if hold:
                time.sleep(hold)  # a client that never finishes its request
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            answer = b""
            while len(answer) < 64:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
            if answer.startswith(b"HTTP/"):
                return answer.split(b" ", 2)[1].decode("ascii", "replace")
            return "closed"
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return "refused" if isinstance(e, ConnectionRefusedError) else "error:" + type(e).__name__


def garbage(port):
    host = "127.0.0.1:%d" % port
    kind = rng.choice(["bytes", "cut", "long_header", "foreign_host", "slow", "bad_length"])
    if kind == "bytes":
        data = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 8192)))
    elif kind == "cut":
        data = ("GET /metrics HTTP/1.1\r\nHost: %s\r\nX-Half: " % host).encode()
    elif kind == "long_header":
        data = ("GET / HTTP/1.1\r\nHost: %s\r\nX-Long: %s\r\n\r\n" % (host, "a" * 65536)).encode()
    elif kind == "foreign_host":
        data = b"GET /metrics HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
    elif kind == "slow":
        data = ("GET /metrics HTTP/1.1\r\nHost: %s\r\n" % host).encode()
    else:
        data = ("POST /cameras/cam1/tuning HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                "Content-Length: 5\r\nConnection: close\r\n\r\n{\"threshold\": 200, \"x\": [[[[" % host).encode()
    return kind, exchange(port, data, hold=20.0 if kind == "slow" else 0.0)


answered = {"metrics": None, "ui": None}  # the run in which each endpoint last answered a well-formed request


def poke():
    while not os.path.exists(os.path.join(work, "probe.stop")):
        time.sleep(rng.uniform(10, 30))
        run, up = state()
        if up != "up":
            continue
        if answered["ui"] != run and exchange(ui_port, ("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                                                        "Connection: close\r\n\r\n" % ui_port).encode()) == "200":
            answered["ui"] = run
        for name, port in (("ui", ui_port), ("metrics", metrics_port)):
            if answered[name] != run:
                continue  # not up yet in this run (the agent is starting): garbage from its first answer on
            if state() != (run, "up"):
                break
            kind, got = garbage(port)
            if state() != (run, "up"):
                got = "stopped"  # the SIGTERM came meanwhile: whatever came back says nothing
            append("garbage.tsv", int(time.time()), run, name, kind, got)


threading.Thread(target=poke, daemon=True).start()
while not os.path.exists(os.path.join(work, "probe.stop")):
    run, up = state()
    t0 = time.time()
    ok = "fail"
    if up == "up":
        try:
            with socket.create_connection(("127.0.0.1", metrics_port), timeout=10) as s:
                s.settimeout(10)
                s.sendall(("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n"
                           % metrics_port).encode())
                answer = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    answer += chunk
                if answer.startswith(b"HTTP/1.1 200") and b"edge_cascade_frames_total" in answer:
                    ok = "ok"
                    answered["metrics"] = run
        except OSError:
            pass
        append("scrapes.tsv", int(t0), run, ok, "%.2f" % (time.time() - t0))
    time.sleep(max(0.0, 2 - (time.time() - t0)))
