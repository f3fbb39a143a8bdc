package io.edgecascade.cascade.tracking;

/**
 * A constant-velocity Kalman filter of one box: centre x, centre y, width and height, each with its velocity.
 *
 * <p>With a block-diagonal motion model (each coordinate moves on its own, independent noise) the usual 8-state
 * SORT filter splits exactly into four 2-state filters (position, velocity), which is what this keeps: four
 * 2x2 covariances instead of one 8x8. Time steps are in seconds of stream time, because the detector does not run
 * on every frame. Noise scales with the box's size, so a 30-pixel person far away and a 300-pixel one close by
 * are followed equally well. Not thread-safe.
 */
final class KalmanBoxFilter {

    /** Measurement noise, as a fraction of the box's larger side (detector jitter). */
    private static final double MEASUREMENT_STD = 0.05;
    /** Acceleration noise of the centre, box sides per second squared (people change pace and turn). */
    private static final double CENTRE_ACCELERATION_STD = 1.0;
    /** Acceleration noise of the width and height (objects approach and recede slowly). */
    private static final double SIZE_ACCELERATION_STD = 0.3;
    /** Uncertainty of the velocity of a new track, box sides per second. */
    private static final double INITIAL_VELOCITY_STD = 1.0;

    private final double[] position = new double[4];
    private final double[] velocity = new double[4];
    /** Per coordinate: variance of position, covariance, variance of velocity. */
    private final double[][] covariance = new double[4][3];

    KalmanBoxFilter(float x1, float y1, float x2, float y2) {
        double[] z = measurement(x1, y1, x2, y2);
        double scale = scale(z);
        for (int i = 0; i < 4; i++) {
            position[i] = z[i];
            velocity[i] = 0;
            double m = MEASUREMENT_STD * scale;
            double v = INITIAL_VELOCITY_STD * scale;
            covariance[i][0] = m * m;
            covariance[i][1] = 0;
            covariance[i][2] = v * v;
        }
    }

    private static double[] measurement(float x1, float y1, float x2, float y2) {
        return new double[] {(x1 + x2) / 2.0, (y1 + y2) / 2.0, Math.max(1, x2 - x1), Math.max(1, y2 - y1)};
    }

    private static double scale(double[] state) {
        return Math.max(1, Math.max(state[2], state[3]));
    }

    /** Moves the state {@code dt} seconds ahead. */
    void predict(double dt) {
        if (dt <= 0) {
            return;
        }
        double scale = scale(position);
        for (int i = 0; i < 4; i++) {
            double q = (i < 2 ? CENTRE_ACCELERATION_STD : SIZE_ACCELERATION_STD) * scale;
            q *= q;
            position[i] += velocity[i] * dt;
            double[] p = covariance[i];
            // P = F P F' + Q for F = [[1, dt], [0, 1]], Q the discrete white-acceleration noise.
            double p00 = p[0] + 2 * dt * p[1] + dt * dt * p[2] + q * dt * dt * dt * dt / 4;
            double p01 = p[1] + dt * p[2] + q * dt * dt * dt / 2;
            double p11 = p[2] + q * dt * dt;
            p[0] = p00;
            p[1] = p01;
            p[2] = p11;
        }
        // A shrinking box must not turn inside out while it coasts.
        position[2] = Math.max(1, position[2]);
        position[3] = Math.max(1, position[3]);
    }

    /** Corrects the state with a measured box. */
    void update(float x1, float y1, float x2, float y2) {
        double[] z = measurement(x1, y1, x2, y2);
        double r = MEASUREMENT_STD * scale(z);
        r *= r;
        for (int i = 0; i < 4; i++) {
            double[] p = covariance[i];
            double s = p[0] + r;
            double k0 = p[0] / s;
            double k1 = p[1] / s;
            double y = z[i] - position[i];
            position[i] += k0 * y;
            velocity[i] += k1 * y;
            double p00 = (1 - k0) * p[0];
            double p01 = (1 - k0) * p[1];
            double p11 = p[2] - k1 * p[1];
            p[0] = p00;
            p[1] = p01;
            p[2] = p11;
        }
    }

    /** The current box as corners {x1, y1, x2, y2}. */
    float[] box() {
        double w = Math.max(1, position[2]);
        double h = Math.max(1, position[3]);
        return new float[] {(float) (position[0] - w / 2), (float) (position[1] - h / 2),
                (float) (position[0] + w / 2), (float) (position[1] + h / 2)};
    }

    /** How fast the corners move {x1, y1, x2, y2}, in pixels per second. */
    float[] cornerRates() {
        return new float[] {(float) (velocity[0] - velocity[2] / 2), (float) (velocity[1] - velocity[3] / 2),
            (float) (velocity[0] + velocity[2] / 2), (float) (velocity[1] + velocity[3] / 2)};
    }

    /** Velocity of the centre in pixels per second {vx, vy}. */
    double[] centreVelocity() {
        return new double[] {velocity[0], velocity[1]};
    }
}
