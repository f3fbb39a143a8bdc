package io.edgecascade.app.models;

import java.util.List;

/** The sample assets {@code models pull} fetches: the YOLOX-Nano detector, its class names, a sample video. */
public final class ModelCatalog {

    public static final String MODEL = "models/yolox_nano.onnx";
    public static final String LABELS = "models/coco_classes.txt";
    public static final String VIDEO = "video/one-by-one-person-detection.mp4";

    /**
     * The 80 COCO class names in the order of the YOLOX model's outputs, spelled as in the widely used
     * {@code coco.names} list. Written from this build rather than downloaded: 80 words need no network.
     */
    public static final List<String> COCO_NAMES = List.of("person", "bicycle", "car", "motorbike", "aeroplane",
            "bus", "train", "truck", "boat", "traffic light", "fire hydrant", "stop sign", "parking meter", "bench",
            "bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack",
            "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball", "kite",
            "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket", "bottle", "wine glass",
            "cup", "fork", "knife", "spoon", "bowl", "banana", "apple", "sandwich", "orange", "broccoli", "carrot",
            "hot dog", "pizza", "donut", "cake", "chair", "sofa", "pottedplant", "bed", "diningtable", "toilet",
            "tvmonitor", "laptop", "mouse", "remote", "keyboard", "cell phone", "microwave", "oven", "toaster",
            "sink", "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier", "toothbrush");

    private ModelCatalog() {
    }

    /** The official public originals. */
    public static List<Asset> standard() {
        return List.of(
                Asset.download("YOLOX-Nano detector (Megvii YOLOX release 0.1.1rc0, Apache-2.0)",
                        "https://github.com/Megvii-BaseDetection/YOLOX/releases/download/0.1.1rc0/yolox_nano.onnx",
                        MODEL, 3_659_407L, "c789161ed43c8269fcd4e67c67eeeb4e80c622da2eb296a20bc6007bd18a0b7d"),
                Asset.text("COCO class names", LABELS, COCO_NAMES),
                Asset.download("sample video (Intel IoT Devkit sample videos, CC-BY-4.0)",
                        "https://github.com/intel-iot-devkit/sample-videos/raw/master/one-by-one-person-detection.mp4",
                        VIDEO, 3_291_918L, "a5964aa259099a482a8b360ffc2c57b5a30f84d5919236a4dad01f8e929ac07c"));
    }
}
