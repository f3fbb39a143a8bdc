package io.edgecascade.cascade.metrics;

/**
 * One condition of {@code /readyz} (model loaded, cameras delivering, cloud reachable). Called on the HTTP
 * thread for every probe, so it reads state others keep up to date and never blocks.
 */
@FunctionalInterface
public interface ReadinessCheck {

    Result check();

    /**
     * @param ok     whether this condition holds
     * @param detail a short phrase for people reading the probe's JSON ("2 cameras delivering")
     */
    record Result(boolean ok, String detail) {
        public static Result ok(String detail) {
            return new Result(true, detail);
        }

        public static Result failing(String detail) {
            return new Result(false, detail);
        }
    }
}
