package io.edgecascade.cascade.api;

/**
 * Makes the use cases of one {@link #type()}: the service a use-case plug-in registers with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/io.edgecascade.cascade.api.UseCaseFactory} file in its
 * jar naming the implementation, which needs a public no-argument constructor). The agent loads the built-in ones and
 * those of every jar in {@code plugins.dir}; a camera selects one with {@code use_cases: [{name: door, type: TYPE,
 * ...its keys}]}.
 */
public interface UseCaseFactory {

    /** The name a config selects it by: lower case letters, digits and {@code _}, e.g. {@code line_crossing}. */
    String type();

    /**
     * Reads and checks a use case's keys without making anything: {@code config validate} (and the start of
     * {@code run}) call it to report bad or unknown keys before anything runs. Read every key here that
     * {@link #create} reads. The default reads nothing (any key is then accepted).
     */
    default void check(UseCaseSettings settings) {
    }

    /**
     * Makes the use case of one camera's entry, once per run (and again after it failed {@code error_budget} frames in
     * a row). The settings were checked already. An exception leaves the use case out of the run, with one error line.
     */
    UseCase create(UseCaseSettings settings) throws Exception;
}
