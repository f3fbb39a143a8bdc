#!/usr/bin/env python3
"""A real RTSP server for the tests and benchmarks: GStreamer's RTSP server serving an H.264 mp4 (or MPEG-TS) as it is
(no re-encoding: demux, parse, packetize), paced in real time, one pipeline per client so every connection starts
the video from the beginning.

  rtsp_server.py --port P --video FILE [--mounts cam,cam1,...] [--auth user:password] [--loop]

Prints "READY <port>" once it listens. Reads commands on stdin, one per line:
  stall   every stream stops sending frames (the RTSP session stays up): a camera that froze
  resume  frames flow again
Ends on SIGTERM/SIGINT or when stdin closes.
"""
import argparse
import signal
import sys
import threading

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--video", required=True)
    p.add_argument("--mounts", default="cam")
    p.add_argument("--auth", default=None, help="user:password; clients must authenticate (basic)")
    a = p.parse_args()

    Gst.init(None)
    loop = GLib.MainLoop()
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(a.port))
    pads = {}  # the payloader's sink pad of each stream -> the id of the probe blocking it, or None
    state = {"stalled": False}
    lock = threading.Lock()

    # an .ts file (MPEG-TS) may change resolution mid-stream (a camera reconfigured); an mp4 holds one
    demux = "tsdemux" if a.video.endswith(".ts") else "qtdemux"
    launch = ("( filesrc location=\"%s\" ! %s ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )"
              % (a.video, demux))

    def block(pad):
        # a blocking probe holds the streaming thread: no data, no end of stream, the session stays up
        return pad.add_probe(Gst.PadProbeType.BLOCK_DOWNSTREAM | Gst.PadProbeType.BUFFER,
                             lambda _pad, _info: Gst.PadProbeReturn.OK)

    def configured(_factory, media):
        pay = media.get_element().get_by_name("pay0")
        if pay is not None:
            pad = pay.get_static_pad("sink")
            with lock:
                pads[pad] = block(pad) if state["stalled"] else None

    mounts = server.get_mount_points()
    for name in a.mounts.split(","):
        f = GstRtspServer.RTSPMediaFactory()
        f.set_launch(launch)
        f.set_shared(False)
        f.connect("media-configure", configured)
        if a.auth:
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_permission_for_role("user", "media.factory.access", True)
            permissions.add_permission_for_role("user", "media.factory.construct", True)
            f.set_permissions(permissions)
        mounts.add_factory("/" + name, f)
    if a.auth:
        user, password = a.auth.split(":", 1)
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        server.set_auth(auth)

    if server.attach(None) == 0:
        print("ERROR cannot listen on port %d" % a.port, flush=True)
        sys.exit(2)
    print("READY %d" % server.get_bound_port(), flush=True)

    def set_stalled(stalled):
        with lock:
            state["stalled"] = stalled
            for pad, probe in list(pads.items()):
                if stalled and probe is None:
                    pads[pad] = block(pad)
                elif not stalled and probe is not None:
                    pad.remove_probe(probe)
                    pads[pad] = None
        return False

    def read_commands():
        for line in sys.stdin:
            cmd = line.strip()
            if cmd in ("stall", "resume"):
                GLib.idle_add(set_stalled, cmd == "stall")
                print("OK " + cmd, flush=True)
        GLib.idle_add(loop.quit)

    threading.Thread(target=read_commands, daemon=True).start()
    for s in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, s, loop.quit)
    loop.run()


if __name__ == "__main__":
    main()
