package io.edgecascade.cascade.metrics;

/**
 * What the cloud forwarder reports to the metrics endpoint. {@link CascadeMetrics} implements it; the forwarder
 * is given one (or {@link #NONE}) when it is built. Calls come from the forwarder's threads and must stay cheap.
 *
 * <p>The forwarder should report {@link #cloudUp} and {@link #spoolAccepting} once when it starts: until it
 * reports, the endpoint treats the process as having no forwarder ({@code edge_cascade_cloud_up} and
 * {@code edge_cascade_spool_bytes} are absent and the {@code cloud} readiness check passes).
 */
public interface ForwardMetrics {

    /** One positive frame of {@code camera} was {@code result}. */
    void forwarded(String camera, ForwardResult result);

    /** The spool now holds {@code bytes} on disk. */
    void spoolBytes(long bytes);

    /** The cloud model server answered ({@code up}) or could not be reached. */
    void cloudUp(boolean up);

    /** Whether the spool can take more frames (false: disk full or spool disabled). */
    void spoolAccepting(boolean accepting);

    /** Reports nothing: for a run without metrics. */
    ForwardMetrics NONE = new ForwardMetrics() {
        @Override
        public void forwarded(String camera, ForwardResult result) {
        }

        @Override
        public void spoolBytes(long bytes) {
        }

        @Override
        public void cloudUp(boolean up) {
        }

        @Override
        public void spoolAccepting(boolean accepting) {
        }
    };
}
