package io.edgecascade.app.ui;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** Headless Chromium (Debian {@code chromium}): what a user's browser makes of the page. */
final class Chromium {

    private final Path dir;
    private int runs;
    private Path lastShot;

    Chromium(Path dir) {
        this.dir = dir;
    }

    BufferedImage screenshot(String url, int width, int height) throws IOException, InterruptedException {
        Path png = dir.resolve("shot-" + (runs + 1) + ".png");
        run(List.of("--screenshot=" + png, "--window-size=" + width + "," + height, url));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("chromium wrote no screenshot " + png);
        }
        lastShot = png;
        return ImageIO.read(png.toFile());
    }

    /** The file of the last screenshot. */
    Path lastShot() {
        return lastShot;
    }

    /** The page's DOM after it loaded and its script ran. */
    String dom(String url) throws IOException, InterruptedException {
        return run(List.of("--dump-dom", url));
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + dir.resolve("profile-" + (++runs)), "--hide-scrollbars"));
        cmd.addAll(args);
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new IOException("cannot start chromium (install the Debian package chromium): " + e.getMessage(), e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish: " + cmd);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
