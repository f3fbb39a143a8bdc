package io.edgecascade.cascade.forward;

import io.edgecascade.cascade.kserve.GRPCInferenceServiceGrpc;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.kserve.ModelMetadataRequest;
import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import io.edgecascade.cascade.kserve.ModelReadyRequest;
import io.edgecascade.cascade.kserve.ModelReadyResponse;
import io.edgecascade.cascade.kserve.ModelStreamInferResponse;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A KServe v2 server (real gRPC on loopback) whose ModelStreamInfer answers garbage around every real answer: first
 * an answer for a request id nobody sent, then the answer, then the same answer again. What a server with a retry
 * bug, or a proxy replaying, sends.
 */
final class RepeatingServer implements AutoCloseable {

    private final Server server;
    private final AtomicInteger streams = new AtomicInteger();
    private final List<String> received = new CopyOnWriteArrayList<>();

    RepeatingServer() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
                .addService(new GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase() {
                    @Override
                    public void modelMetadata(ModelMetadataRequest r, StreamObserver<ModelMetadataResponse> out) {
                        out.onNext(ModelMetadataResponse.newBuilder().setName(r.getName()).addVersions("1")
                                .addInputs(ModelMetadataResponse.TensorMetadata.newBuilder().setName("images")
                                        .setDatatype("FP32").addAllShape(List.of(1L, 3L, 416L, 416L)))
                                .build());
                        out.onCompleted();
                    }

                    @Override
                    public void modelReady(ModelReadyRequest r, StreamObserver<ModelReadyResponse> out) {
                        out.onNext(ModelReadyResponse.newBuilder().setReady(true).build());
                        out.onCompleted();
                    }

                    @Override
                    public StreamObserver<ModelInferRequest> modelStreamInfer(
                            StreamObserver<ModelStreamInferResponse> out) {
                        streams.incrementAndGet();
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(ModelInferRequest r) {
                                received.add(r.getId());
                                out.onNext(answer("nobody:0:0:0"));
                                out.onNext(answer(r.getId()));
                                out.onNext(answer(r.getId()));
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        };
                    }
                }).build().start();
    }

    private static ModelStreamInferResponse answer(String id) {
        return ModelStreamInferResponse.newBuilder().setInferResponse(ModelInferResponse.newBuilder()
                .setModelName("yolox").setModelVersion("1").setId(id)).build();
    }

    int port() {
        return server.getPort();
    }

    /** ModelStreamInfer calls opened so far. */
    int streams() {
        return streams.get();
    }

    /** Request ids received, in order. */
    List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
