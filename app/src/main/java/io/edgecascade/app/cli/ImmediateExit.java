package io.edgecascade.app.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * Ends the process with a status at once, through the C library's {@code _exit}: no shutdown hooks and no native exit
 * handlers. {@code System.exit} runs the shutdown hooks, and ONNX Runtime's closes its native environment: a start-up
 * thread still inside ONNX Runtime's session creation then dies of SIGBUS instead of the process exiting 0.
 * {@code Runtime.halt} skips the hooks but still ends in the C library's {@code exit}, whose handlers (the native
 * libraries' static destructors) may pull a library down under a thread inside it. Only for leaving work behind on
 * purpose, after what must be durable is (the spool's records are fsynced as they are written; the log is written line
 * by line).
 */
final class ImmediateExit {

    /** The one C library function used. */
    private interface CLibrary extends Library {
        void _exit(int status);
    }

    private final CLibrary c;

    private ImmediateExit(CLibrary c) {
        this.c = c;
    }

    /**
     * Loads the C library binding now, so that the exit itself does no loading; where it cannot be loaded the exit
     * falls back to {@code Runtime.halt}.
     */
    static ImmediateExit prepare() {
        try {
            return new ImmediateExit(Native.load(Platform.C_LIBRARY_NAME, CLibrary.class));
        } catch (LinkageError | RuntimeException e) {
            return new ImmediateExit(null);
        }
    }

    /** Flushes standard output and error and ends the process with {@code status}; does not return. */
    void now(int status) {
        System.out.flush();
        System.err.flush();
        if (c != null) {
            c._exit(status);
        }
        Runtime.getRuntime().halt(status);
    }
}
