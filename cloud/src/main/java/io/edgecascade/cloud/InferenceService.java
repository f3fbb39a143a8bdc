package io.edgecascade.cloud;

import io.edgecascade.cascade.kserve.Tensors;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import com.google.protobuf.ByteString;
import io.edgecascade.cascade.kserve.GRPCInferenceServiceGrpc;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.kserve.ModelMetadataRequest;
import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import io.edgecascade.cascade.kserve.ModelReadyRequest;
import io.edgecascade.cascade.kserve.ModelReadyResponse;
import io.edgecascade.cascade.kserve.ServerLiveRequest;
import io.edgecascade.cascade.kserve.ServerLiveResponse;
import io.edgecascade.cascade.kserve.ServerMetadataRequest;
import io.edgecascade.cascade.kserve.ServerMetadataResponse;
import io.edgecascade.cascade.kserve.ServerReadyRequest;
import io.edgecascade.cascade.kserve.ServerReadyResponse;
import io.edgecascade.engines.EngineException;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.opencv.opencv_core.Mat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The RPCs of the reference server. Errors carry a status code and a message that names the problem. */
final class InferenceService extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(InferenceService.class);
    static final String VERSION = "1";
    static final String SERVER_NAME = "edge-cascade";

    private final Map<String, ServedModel> models;
    private final ExecutorService workers;
    private final BufferedWriter record;
    private final AtomicLong received = new AtomicLong();
    /**
     * Writes the record file off the gRPC transport thread, one request at a time in arrival order, and only then
     * hands the request to the workers: a slow disk never stalls the transport, and every request answered is
     * in the record (a server killed after answering has recorded what it answered).
     */
    private final ExecutorService recorder = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "cloud-record");
        t.setDaemon(true);
        return t;
    });

    private final CloudServer.Answering answering;
    private final java.util.concurrent.ScheduledExecutorService delayer;

    InferenceService(Map<String, ServedModel> models, ExecutorService workers, BufferedWriter record,
            CloudServer.Answering answering) {
        this.models = models;
        this.workers = workers;
        this.record = record;
        this.answering = answering;
        this.delayer = answering.delay().isZero() ? null
                : java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "cloud-delay");
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * ModelStreamInfer: each request goes the way of a unary one (recorded in arrival order, inferred on the
     * workers); its answer, or its error as {@code error_message} ({@code CODE: message}, the gRPC status code name
     * first, so a client can tell a request it must not send again from a passing failure), comes back on the
     * stream. Answers for a stream the client has ended are dropped.
     */
    @Override
    public StreamObserver<ModelInferRequest> modelStreamInfer(
            StreamObserver<io.edgecascade.cascade.kserve.ModelStreamInferResponse> out) {
        Object sending = new Object(); // answers come from several worker threads; a stream takes one at a time
        return new StreamObserver<>() {
            @Override
            public void onNext(ModelInferRequest request) {
                modelInfer(request, new StreamObserver<>() {
                    @Override
                    public void onNext(ModelInferResponse r) {
                        synchronized (sending) {
                            unlessGone(() -> out.onNext(io.edgecascade.cascade.kserve.ModelStreamInferResponse
                                    .newBuilder().setInferResponse(r).build()));
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status s = Status.fromThrowable(t);
                        synchronized (sending) {
                            unlessGone(() -> out.onNext(io.edgecascade.cascade.kserve.ModelStreamInferResponse
                                    .newBuilder().setErrorMessage(s.getCode() + ": " + s.getDescription())
                                    .setInferResponse(ModelInferResponse.newBuilder().setId(request.getId()))
                                    .build()));
                        }
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
            }

            @Override
            public void onError(Throwable t) {
                // the client went away; answers still running find a cancelled stream (gRPC drops them)
            }

            @Override
            public void onCompleted() {
                synchronized (sending) {
                    unlessGone(out::onCompleted);
                }
            }
        };
    }

    /**
     * Runs an answer unless the client has gone: gRPC refuses to send on a call the client cancelled (a stream it
     * ended, a deadline that passed), and the answer is then simply not needed.
     */
    private static void unlessGone(Runnable send) {
        try {
            send.run();
        } catch (io.grpc.StatusRuntimeException e) {
            if (e.getStatus().getCode() != Status.Code.CANCELLED) {
                throw e;
            }
        } catch (IllegalStateException e) {
            // the call was closed meanwhile (the server shutting down): nobody to answer
        }
    }

    /** Finishes the record writes queued (call once the server took its last call). */
    void closeRecorder() throws InterruptedException {
        if (delayer != null) {
            delayer.shutdownNow();
        }
        recorder.shutdown();
        recorder.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    long received() {
        return received.get();
    }

    @Override
    public void serverLive(ServerLiveRequest request, StreamObserver<ServerLiveResponse> out) {
        out.onNext(ServerLiveResponse.newBuilder().setLive(true).build());
        out.onCompleted();
    }

    @Override
    public void serverReady(ServerReadyRequest request, StreamObserver<ServerReadyResponse> out) {
        // every model is loaded before the server listens
        out.onNext(ServerReadyResponse.newBuilder().setReady(true).build());
        out.onCompleted();
    }

    @Override
    public void modelReady(ModelReadyRequest request, StreamObserver<ModelReadyResponse> out) {
        boolean ready = models.containsKey(request.getName())
                && (request.getVersion().isEmpty() || VERSION.equals(request.getVersion()));
        out.onNext(ModelReadyResponse.newBuilder().setReady(ready).build());
        out.onCompleted();
    }

    @Override
    public void serverMetadata(ServerMetadataRequest request, StreamObserver<ServerMetadataResponse> out) {
        String version = InferenceService.class.getPackage().getImplementationVersion();
        out.onNext(ServerMetadataResponse.newBuilder().setName(SERVER_NAME)
                .setVersion(version == null ? "dev" : version).build());
        out.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest request, StreamObserver<ModelMetadataResponse> out) {
        ServedModel m = find(request.getName(), request.getVersion(), out);
        if (m == null) {
            return;
        }
        var in = m.input();
        ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName(m.name()).addVersions(VERSION)
                .setPlatform("onnxruntime_onnx");
        ModelMetadataResponse.TensorMetadata.Builder t = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(in.name()).setDatatype("FP32");
        for (long d : in.shape()) {
            t.addShape(d);
        }
        b.addInputs(t);
        b.addOutputs(tensor("boxes", "FP32", 1, -1, 4));
        b.addOutputs(tensor("scores", "FP32", 1, -1));
        b.addOutputs(tensor("class_ids", "INT64", 1, -1));
        out.onNext(b.build());
        out.onCompleted();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(String name, String type, long... shape) {
        var b = ModelMetadataResponse.TensorMetadata.newBuilder().setName(name).setDatatype(type);
        for (long d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    private <T> ServedModel find(String name, String version, StreamObserver<T> out) {
        ServedModel m = models.get(name);
        if (m == null) {
            out.onError(Status.NOT_FOUND.withDescription("model '" + name + "' is not served here; models: "
                    + String.join(", ", models.keySet())).asRuntimeException());
            return null;
        }
        if (!version.isEmpty() && !VERSION.equals(version)) {
            out.onError(Status.NOT_FOUND.withDescription("model '" + name + "' has no version '" + version
                    + "'; versions: " + VERSION).asRuntimeException());
            return null;
        }
        return m;
    }

    @Override
    public void modelInfer(ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        received.incrementAndGet();
        try {
            recorder.execute(() -> {
                record(request.getId());
                ServedModel m = find(request.getModelName(), request.getModelVersion(), out);
                if (m == null) {
                    return;
                }
                try {
                    workers.execute(() -> infer(m, request, out));
                } catch (RejectedExecutionException e) {
                    out.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
                }
            });
        } catch (RejectedExecutionException e) {
            out.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
        }
    }

    private void record(String id) {
        if (record == null) {
            return;
        }
        synchronized (record) {
            try {
                record.write(id.isEmpty() ? "-" : id);
                record.newLine();
                record.flush();
            } catch (IOException e) {
                LOG.warn("cannot append to the record file: {}", e.getMessage());
            }
        }
    }

    private void infer(ServedModel m, ModelInferRequest request, StreamObserver<ModelInferResponse> out) {
        Status fault = answering.fault() == null ? null : answering.fault().apply(request);
        if (fault != null && !fault.isOk()) {
            unlessGone(() -> out.onError(fault.asRuntimeException()));
            return;
        }
        if (answering.echo()) {
            answer(out, ModelInferResponse.newBuilder().setModelName(m.name()).setModelVersion(VERSION)
                    .setId(request.getId()).addOutputs(output("boxes", "FP32", 1, 0, 4))
                    .addOutputs(output("scores", "FP32", 1, 0)).addOutputs(output("class_ids", "INT64", 1, 0))
                    .addRawOutputContents(Tensors.rawFloats(new float[0]))
                    .addRawOutputContents(Tensors.rawFloats(new float[0]))
                    .addRawOutputContents(Tensors.rawLongs(new long[0])).build());
            return;
        }
        ServedModel.Result r;
        try {
            r = run(m, request);
        } catch (IllegalArgumentException e) {
            unlessGone(() -> out.onError(Status.INVALID_ARGUMENT.withDescription("model '" + m.name() + "': "
                    + e.getMessage()).asRuntimeException()));
            return;
        } catch (EngineException | RuntimeException e) {
            LOG.error("model {} failed: {}", m.name(), e.getMessage());
            unlessGone(() -> out.onError(Status.INTERNAL.withDescription("model '" + m.name() + "' failed: "
                    + e.getMessage()).asRuntimeException()));
            return;
        }
        int n = r.count();
        ModelInferResponse resp = ModelInferResponse.newBuilder()
                .setModelName(m.name()).setModelVersion(VERSION).setId(request.getId())
                .addOutputs(output("boxes", "FP32", 1, n, 4))
                .addOutputs(output("scores", "FP32", 1, n))
                .addOutputs(output("class_ids", "INT64", 1, n))
                .addRawOutputContents(Tensors.rawFloats(r.boxes()))
                .addRawOutputContents(Tensors.rawFloats(r.scores()))
                .addRawOutputContents(Tensors.rawLongs(r.classIds()))
                .build();
        answer(out, resp);
    }

    private void answer(StreamObserver<ModelInferResponse> out, ModelInferResponse resp) {
        Runnable send = () -> unlessGone(() -> {
            out.onNext(resp);
            out.onCompleted();
        });
        if (delayer == null) {
            send.run();
            return;
        }
        try {
            delayer.schedule(send, answering.delay().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            out.onError(Status.UNAVAILABLE.withDescription("server is shutting down").asRuntimeException());
        }
    }

    private static ModelInferResponse.InferOutputTensor output(String name, String type, long... shape) {
        var b = ModelInferResponse.InferOutputTensor.newBuilder().setName(name).setDatatype(type);
        for (long d : shape) {
            b.addShape(d);
        }
        return b.build();
    }

    private static ServedModel.Result run(ServedModel m, ModelInferRequest req) throws EngineException {
        if (req.getInputsCount() != 1) {
            throw new IllegalArgumentException("expected one input (a JPEG/PNG as BYTES, UINT8 [1,H,W,3] BGR or FP32 "
                    + m.input().name() + " [1,3," + m.height() + "," + m.width() + "]), got " + req.getInputsCount());
        }
        if (req.getRawInputContentsCount() > 0 && req.getInputs(0).hasContents()) {
            throw new IllegalArgumentException("input data given both raw and as contents; use one");
        }
        ModelInferRequest.InferInputTensor in = req.getInputs(0);
        List<Long> s = in.getShapeList();
        switch (in.getDatatype()) {
            case "BYTES" -> {
                List<ByteString> items = Tensors.bytesElements(req, 0);
                if (items.size() != 1) {
                    throw new IllegalArgumentException("BYTES input must hold one encoded image, got " + items.size());
                }
                byte[] data = items.get(0).toByteArray();
                try (Mat encoded = new Mat(data); Mat bgr = imdecode(encoded, IMREAD_COLOR)) {
                    if (bgr == null || bgr.empty()) {
                        throw new IllegalArgumentException("the BYTES input is not a JPEG or PNG image ("
                                + data.length + " bytes)");
                    }
                    return m.detect(bgr);
                }
            }
            case "UINT8" -> {
                if (s.size() != 4 || s.get(0) != 1 || s.get(3) != 3 || s.get(1) < 1 || s.get(2) < 1) {
                    throw new IllegalArgumentException("UINT8 input must be [1,H,W,3] (BGR), got " + s);
                }
                ByteBuffer px = Tensors.fixedElements(req, 0);
                byte[] b = new byte[px.remaining()];
                px.get(b);
                try (Mat bgr = new Mat((int) (long) s.get(1), (int) (long) s.get(2), CV_8UC3)) {
                    bgr.data().put(b);
                    return m.detect(bgr);
                }
            }
            case "FP32" -> {
                if (!s.equals(List.of(1L, 3L, (long) m.height(), (long) m.width()))) {
                    throw new IllegalArgumentException("FP32 input must be the model's [1,3," + m.height() + ","
                            + m.width() + "], got " + s);
                }
                return m.detectTensor(Tensors.fixedElements(req, 0));
            }
            default -> throw new IllegalArgumentException("input data type '" + in.getDatatype()
                    + "' is not supported; send BYTES (JPEG/PNG), UINT8 [1,H,W,3] or FP32 [1,3,H,W]");
        }
    }
}
