package io.edgecascade.cascade.bench;

import io.edgecascade.cascade.source.FrameSource;
import io.edgecascade.cascade.source.SourceException;

/** A source that ends after {@code limit} frames, so every pass of a benchmark sees the same frames. */
final class LimitedFrameSource implements FrameSource {

    private final FrameSource source;
    private final long limit;
    private long delivered;

    LimitedFrameSource(FrameSource source, long limit) {
        this.source = source;
        this.limit = limit;
    }

    @Override
    public void open() throws SourceException {
        source.open();
    }

    @Override
    public Frame grab() throws SourceException {
        if (delivered >= limit) {
            return null;
        }
        Frame f = source.grab();
        if (f != null) {
            delivered++;
        }
        return f;
    }

    @Override
    public double frameRate() {
        return source.frameRate();
    }

    @Override
    public boolean isLive() {
        return source.isLive();
    }

    @Override
    public long decodeErrors() {
        return source.decodeErrors();
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public void close() {
        source.close();
    }
}
