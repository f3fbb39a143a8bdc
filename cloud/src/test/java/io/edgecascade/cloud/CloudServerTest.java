package io.edgecascade.cloud;

import io.edgecascade.cascade.kserve.Tensors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.edgecascade.cascade.kserve.GRPCInferenceServiceGrpc;
import io.edgecascade.cascade.kserve.InferTensorContents;
import io.edgecascade.cascade.kserve.ModelInferRequest;
import io.edgecascade.cascade.kserve.ModelInferResponse;
import io.edgecascade.cascade.kserve.ModelMetadataRequest;
import io.edgecascade.cascade.kserve.ModelMetadataResponse;
import io.edgecascade.cascade.kserve.ModelReadyRequest;
import io.edgecascade.cascade.kserve.ServerLiveRequest;
import io.edgecascade.cascade.kserve.ServerMetadataRequest;
import io.edgecascade.cascade.kserve.ServerReadyRequest;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference server over a real loopback gRPC connection. */
class CloudServerTest {

    @TempDir
    static Path tmp;
    static Path assets;
    static CloudServer server;
    static ManagedChannel channel;
    static GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub stub;

    @BeforeAll
    static void start() throws Exception {
        assets = io.edgecascade.cascade.TestAssets.root(); // fails, never skips, without the test data
        server = CloudServer.start(new CloudServer.Settings("127.0.0.1", 0,
                Map.of("yolox", assets.resolve("models/yolox_nano.onnx")), tmp.resolve("record.txt"), 1));
        channel = Grpc.newChannelBuilder("127.0.0.1:" + server.port(), InsecureChannelCredentials.create()).build();
        stub = GRPCInferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static byte[] jpeg() throws Exception {
        try (var dir = Files.list(assets.resolve("images/coco"))) {
            return Files.readAllBytes(dir.filter(p -> p.toString().endsWith(".jpg")).sorted().findFirst().orElseThrow());
        }
    }

    @Test
    void healthAndMetadataTellTheTruth() {
        assertTrue(stub.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(stub.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertEquals("edge-cascade", stub.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("yolox").build()).getReady());
        assertTrue(stub.modelReady(ModelReadyRequest.newBuilder().setName("yolox").setVersion("1").build()).getReady());
        assertFalse(stub.modelReady(ModelReadyRequest.newBuilder().setName("yolox").setVersion("7").build()).getReady());
        assertFalse(stub.modelReady(ModelReadyRequest.newBuilder().setName("other").build()).getReady());
        ModelMetadataResponse md = stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("yolox").build());
        assertEquals(List.of("1"), md.getVersionsList());
        assertEquals("FP32", md.getInputs(0).getDatatype());
        assertEquals(List.of(1L, 3L, 416L, 416L), md.getInputs(0).getShapeList());
        assertEquals(List.of("boxes", "scores", "class_ids"),
                md.getOutputsList().stream().map(ModelMetadataResponse.TensorMetadata::getName).toList());
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                () -> stub.modelMetadata(ModelMetadataRequest.newBuilder().setName("other").build()));
        assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("'other'"), e.getStatus().getDescription());
    }

    @Test
    void binaryJpegInputAnswersDetectionsAndIsRecorded() throws Exception {
        ModelInferRequest req = ModelInferRequest.newBuilder().setModelName("yolox").setId("req-jpeg-1")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("images").setDatatype("BYTES")
                        .addShape(1).setContents(InferTensorContents.newBuilder()
                                .addBytesContents(ByteString.copyFrom(jpeg()))))
                .build();
        ModelInferResponse r = stub.modelInfer(req);
        assertEquals("req-jpeg-1", r.getId());
        assertEquals(3, r.getOutputsCount());
        List<Object> scores = Tensors.outputValues(r, 1);
        assertFalse(scores.isEmpty(), "a COCO image has objects");
        assertEquals(scores.size() * 4, Tensors.outputValues(r, 0).size());
        assertEquals(scores.size(), Tensors.outputValues(r, 2).size());
        for (Object s : scores) {
            assertTrue((Float) s >= 0.25f && (Float) s <= 1f);
        }
        // the same image as raw BYTES (4-byte little-endian length prefix) gives the same answer
        byte[] jpeg = jpeg();
        ByteBuffer raw = ByteBuffer.allocate(4 + jpeg.length).order(ByteOrder.LITTLE_ENDIAN).putInt(jpeg.length)
                .put(jpeg).flip();
        ModelInferResponse r2 = stub.modelInfer(ModelInferRequest.newBuilder().setModelName("yolox").setId("req-raw-2")
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("images").setDatatype("BYTES")
                        .addShape(1))
                .addRawInputContents(ByteString.copyFrom(raw)).build());
        assertEquals(Tensors.outputValues(r, 1), Tensors.outputValues(r2, 1));
        List<String> record = Files.readAllLines(tmp.resolve("record.txt"));
        assertTrue(record.containsAll(List.of("req-jpeg-1", "req-raw-2")), record.toString());
    }

    @Test
    void badRequestsGetAClearStatus() {
        StatusRuntimeException unknown = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(
                ModelInferRequest.newBuilder().setModelName("nope").setId("x").build()));
        assertEquals(Status.Code.NOT_FOUND, unknown.getStatus().getCode());
        assertTrue(unknown.getStatus().getDescription().contains("yolox"), "lists the served models");

        StatusRuntimeException garbage = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(
                ModelInferRequest.newBuilder().setModelName("yolox").setId("g")
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("images")
                                .setDatatype("BYTES").addShape(1).setContents(InferTensorContents.newBuilder()
                                        .addBytesContents(ByteString.copyFromUtf8("not an image"))))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, garbage.getStatus().getCode());
        assertTrue(garbage.getStatus().getDescription().contains("not a JPEG"), garbage.getStatus().getDescription());

        StatusRuntimeException shape = assertThrows(StatusRuntimeException.class, () -> stub.modelInfer(
                ModelInferRequest.newBuilder().setModelName("yolox").setId("s")
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder().setName("images")
                                .setDatatype("FP32").addShape(1).addShape(3).addShape(8).addShape(8))
                        .addRawInputContents(ByteString.copyFrom(new byte[3 * 8 * 8 * 4]))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, shape.getStatus().getCode());
        assertTrue(shape.getStatus().getDescription().contains("[1,3,416,416]"), shape.getStatus().getDescription());
    }
}
