package io.edgecascade.cascade.pipeline;

/**
 * Sorts one stage resource's failures into the three kinds of the failure model: a failure on one frame (the frame
 * is dropped, the stage goes on), {@code pipeline.error_budget} failures in a row (transient: restart the resource),
 * and restarts that do not help ({@value #RESTARTS_WITHOUT_SUCCESS} in a row without one good frame in between: the
 * resource is broken, the run stops). Used by one thread.
 */
final class ErrorBudget {

    /** Restarts in a row, with no frame handled between them, after which a restart is not expected to help. */
    static final int RESTARTS_WITHOUT_SUCCESS = 3;

    private final int inARow;
    private int failures;
    private int restarts;
    private long total;

    /** @param inARow failures in a row that call for a restart ({@code pipeline.error_budget}) */
    ErrorBudget(int inARow) {
        if (inARow < 1) {
            throw new IllegalArgumentException("error budget must be at least 1");
        }
        this.inARow = inARow;
    }

    /** A frame went through: the failures in a row and the restarts without success start over. */
    void succeeded() {
        failures = 0;
        restarts = 0;
    }

    /** A frame failed; true when this makes {@code inARow} failures in a row: restart the resource now. */
    boolean failed() {
        total++;
        return ++failures >= inARow;
    }

    /**
     * The resource was restarted; true when that makes {@value #RESTARTS_WITHOUT_SUCCESS} restarts without a good frame
     * between them: restarting does not help, the failure is fatal.
     */
    boolean restarted() {
        failures = 0;
        return ++restarts >= RESTARTS_WITHOUT_SUCCESS;
    }

    /** Failures in a row now. */
    int inARow() {
        return failures;
    }

    /** Failures since the start. */
    long total() {
        return total;
    }

    int budget() {
        return inARow;
    }
}
