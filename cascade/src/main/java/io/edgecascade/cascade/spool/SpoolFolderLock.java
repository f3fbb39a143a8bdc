package io.edgecascade.cascade.spool;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The {@code .lock} file that keeps two agents from sharing one spool folder: created with the folder, locked
 * for as long as the spool is open. A failure names the folder and the fix ({@code spool.dir}).
 */
final class SpoolFolderLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private SpoolFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates the folder when missing and locks it. */
    static SpoolFolderLock acquire(Path dir) throws IOException {
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (AccessDeniedException e) {
            throw new IOException("spool folder " + dir + " is not writable (permission denied on " + e.getFile()
                    + "); set spool.dir to a folder this user can write", e);
        } catch (IOException e) {
            throw new IOException("spool folder " + dir + " cannot be used (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); set spool.dir to a writable folder", e);
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process
        }
        if (lock == null) {
            channel.close();
            throw new IOException("spool folder " + dir + " is in use by another edge-cascade process; give each"
                    + " agent its own spool.dir");
        }
        return new SpoolFolderLock(channel, lock);
    }

    /** Releases the lock and closes the file, both tried; the first failure is thrown. */
    @Override
    public void close() throws IOException {
        IOException failed = null;
        try {
            lock.release();
        } catch (IOException e) {
            failed = e;
        }
        try {
            channel.close();
        } catch (IOException e) {
            failed = failed == null ? e : failed;
        }
        if (failed != null) {
            throw failed;
        }
    }
}
