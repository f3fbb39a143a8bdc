package io.edgecascade.app.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has the C library's allocator map every block of {@value #THRESHOLD_BYTES} bytes or more on its own and unmap it on
 * free ({@code mallopt(M_MMAP_THRESHOLD)}), so that the memory of a freed frame goes back to the system.
 *
 * <p>Why: frames are 1 to 16 MB blocks (a 3072x1728 BGR copy is 16 MB), allocated on a capture thread and freed on a
 * detector or sink thread, among the small long-lived blocks of the native libraries. glibc maps the first such block
 * on its own, but on its free raises its threshold to that size (its "dynamic" threshold), and every later frame is
 * carved out of a thread's arena; freed between long-lived neighbours, those holes stay resident for good. On the 4x4
 * mosaic that kept one run 60 to 120 MB above another doing the same work (docs/BENCHMARKS.md). A fixed threshold
 * also turns the dynamic one off. Where the C library has no {@code mallopt} (not glibc), nothing changes.
 */
final class LargeBlocks {

    private static final Logger LOG = LoggerFactory.getLogger(LargeBlocks.class);

    /** {@code M_MMAP_THRESHOLD} in glibc's {@code malloc.h}. */
    private static final int M_MMAP_THRESHOLD = -3;
    /**
     * Blocks this large or larger are mapped on their own: a 1080p frame (6 MB) is, a 432p one (1 MB) and the
     * libraries' buffers are not (a mapping per small block would cost a system call and page faults each time).
     */
    static final int THRESHOLD_BYTES = 4 << 20;

    /** The one function used; glibc's returns 1 on success, 0 on an error. */
    private interface CLibrary extends Library {
        int mallopt(int param, int value);
    }

    private LargeBlocks() {
    }

    /** Sets the threshold once for the whole process; true when the C library took it. */
    static boolean mapOnTheirOwn() {
        if (!Platform.isLinux()) {
            return false;
        }
        try {
            CLibrary c = Native.load(Platform.C_LIBRARY_NAME, CLibrary.class);
            boolean set = c.mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES) == 1;
            LOG.debug("native blocks of {} MB or more mapped on their own: {}", THRESHOLD_BYTES >> 20, set);
            return set;
        } catch (LinkageError | RuntimeException e) { // no mallopt (not glibc), or JNA cannot load here
            LOG.debug("native allocator left as it is ({})", e.toString());
            return false;
        }
    }
}
