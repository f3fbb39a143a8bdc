package io.edgecascade.app.cli;

import io.edgecascade.app.models.Asset;
import io.edgecascade.app.models.AssetDownloader;
import io.edgecascade.app.models.ModelCatalog;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edge-cascade models pull [--dir DIR]}. */
@Command(name = "models", description = "Manage models and sample assets.", mixinStandardHelpOptions = true,
        subcommands = {ModelsCommand.Pull.class})
final class ModelsCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Fetches every missing asset into {@code dir}; the failure names the fix for a machine without internet.
     */
    static void pull(List<Asset> assets, Path dir, URI mirror, java.io.PrintWriter out) {
        AssetDownloader downloader = new AssetDownloader(mirror);
        for (Asset a : assets) {
            try {
                AssetDownloader.Result r = downloader.fetch(a, dir);
                out.println(switch (r) {
                    case PRESENT -> "ok          " + dir.resolve(a.path()) + " (already there)";
                    case DOWNLOADED -> "downloaded  " + dir.resolve(a.path());
                    case WRITTEN -> "written     " + dir.resolve(a.path());
                });
                out.flush();
            } catch (AssetDownloader.DownloadException e) {
                throw new UserError(e.getMessage() + "; copy the files into " + dir.toAbsolutePath()
                        + " by hand (models/yolox_nano.onnx, models/coco_classes.txt,"
                        + " video/one-by-one-person-detection.mp4) or pass --mirror URL", UserError.FAILED, e);
            }
        }
    }

    @Command(name = "pull", mixinStandardHelpOptions = true,
            description = {"Download YOLOX-Nano, the COCO class names and the sample video, checking sizes and"
                    + " SHA-256.", "Layout: DIR/models/yolox_nano.onnx, DIR/models/coco_classes.txt,"
                    + " DIR/video/one-by-one-person-detection.mp4."})
    static final class Pull implements Callable<Integer> {

        @Option(names = "--dir", paramLabel = "DIR", defaultValue = "assets",
                description = "Where to put the files (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--mirror", paramLabel = "URL",
                description = "Fetch from this base URL instead (a local mirror serving the same layout).")
        URI mirror;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            pull(ModelCatalog.standard(), dir, mirror, spec.commandLine().getOut());
            return 0;
        }
    }
}
