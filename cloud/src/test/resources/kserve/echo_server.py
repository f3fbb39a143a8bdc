#!/usr/bin/env python3
"""A minimal KServe v2 (Open Inference Protocol) gRPC server on C-core gRPC (Debian's python3-grpcio), the core
Triton and OVMS are built on: ModelMetadata, ModelReady, ServerLive/Ready, ModelInfer and ModelStreamInfer answer
every request with an empty result under its id. The keepalive tests run it with C-core's own ping policy (or a
scaled copy of it) to see whether the forwarder's pings are accepted.

Stubs: generated at test time from cascade/src/main/proto/grpc_predict_v2.proto with grpc_tools.protoc (Debian's
python3-grpc-tools) into a folder on PYTHONPATH.

Prints 'READY <port>' once listening, then one line per stream: 'STREAM OPEN <n>' and 'STREAM END <n>'. Ends on
SIGTERM or when stdin closes.
"""
import argparse
import signal
import sys
import threading
from concurrent import futures

import grpc
import grpc_predict_v2_pb2 as pb
import grpc_predict_v2_pb2_grpc as pbg

_lock = threading.Lock()
_streams = [0]


def say(line):
    with _lock:
        print(line, flush=True)


def answer(request):
    return pb.ModelInferResponse(model_name=request.model_name, model_version="1", id=request.id)


class Echo(pbg.GRPCInferenceServiceServicer):
    def ServerLive(self, request, context):
        return pb.ServerLiveResponse(live=True)

    def ServerReady(self, request, context):
        return pb.ServerReadyResponse(ready=True)

    def ModelReady(self, request, context):
        return pb.ModelReadyResponse(ready=True)

    def ModelMetadata(self, request, context):
        return pb.ModelMetadataResponse(
            name=request.name, versions=["1"], platform="echo",
            inputs=[pb.ModelMetadataResponse.TensorMetadata(name="images", datatype="BYTES", shape=[1])])

    def ModelInfer(self, request, context):
        return answer(request)

    def ModelStreamInfer(self, request_iterator, context):
        with _lock:
            _streams[0] += 1
            n = _streams[0]
        say("STREAM OPEN %d" % n)
        context.add_callback(lambda: say("STREAM END %d" % n))
        for request in request_iterator:
            yield pb.ModelStreamInferResponse(infer_response=answer(request))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--min-ping-interval-ms", type=int, default=None,
                    help="grpc.http2.min_ping_interval_without_data_ms; omitted: C-core's default (300000)")
    args = ap.parse_args()
    options = []
    if args.min_ping_interval_ms is not None:
        options.append(("grpc.http2.min_ping_interval_without_data_ms", args.min_ping_interval_ms))
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=options)
    pbg.add_GRPCInferenceServiceServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    say("READY %d" % port)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    server.stop(1).wait()


if __name__ == "__main__":
    main()
