package io.edgecascade.engines.probe;

import com.sun.jna.NativeLibrary;
import java.util.List;

/**
 * What the probe asks the dynamic loader and the NVIDIA driver. The real one loads libraries through JNA; tests
 * pass fakes to describe any machine.
 */
public interface NativeLoader {

    /** Tries to load a shared library by file name (e.g. {@code libcudart.so.12}). */
    LibraryStatus load(String library);

    /**
     * The NVIDIA GPUs the driver reports (NVML), e.g. {@code ["NVIDIA RTX A2000"]}.
     *
     * @throws ProbeException with the reason when there is no driver or it reports an error
     */
    List<String> nvidiaGpus() throws ProbeException;

    /** A probe step failed; the message says why, for {@code edge-cascade probe}. */
    final class ProbeException extends Exception {
        private static final long serialVersionUID = 1L;

        public ProbeException(String message) {
            super(message);
        }
    }

    /** The machine's own loader and driver. */
    static NativeLoader system() {
        return new NativeLoader() {
            @Override
            public LibraryStatus load(String library) {
                try {
                    NativeLibrary.getInstance(library);
                    return LibraryStatus.loaded(library);
                } catch (UnsatisfiedLinkError e) {
                    return LibraryStatus.missing(library, LibraryStatus.loaderReason(e.getMessage()));
                }
            }

            @Override
            public List<String> nvidiaGpus() throws ProbeException {
                return Nvml.gpus();
            }
        };
    }
}
