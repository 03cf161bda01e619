package io.bluegreen.core.consul.format;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest generation of each service's state this machine has seen, so that an older record written back (a
 * replay, a restored backup) is refused even when its signature verifies. Kept in memory and, when given a folder,
 * in one small file per service there (values only grow; a file lock orders the processes of one machine).
 */
public final class GenerationLedger {
    /**
     * A file lock belongs to the whole JVM: a second thread (or a second ledger of the same folder) asking for it while
     * it is held gets OverlappingFileLockException, so the threads of one JVM take turns here first.
     */
    private static final Object IN_THIS_JVM = new Object();
    private final Path folder;
    private final Map<String, Long> seen = new ConcurrentHashMap<>();

    private GenerationLedger(Path folder) {
        this.folder = folder;
    }

    /** Remembered for this process only. */
    public static GenerationLedger inMemory() {
        return new GenerationLedger(null);
    }

    /** Remembered in {@code folder} (created when missing), across processes of this machine. */
    public static GenerationLedger in(Path folder) {
        return new GenerationLedger(folder);
    }

    /** The newest generation seen of {@code service}'s state; 0: none. */
    long seen(String service) {
        long known = seen.getOrDefault(service, 0L);
        return folder == null ? known : Math.max(known, onDisk(service));
    }

    /** {@code generation} of {@code service}'s state was seen (read or written). */
    void saw(String service, long generation) {
        seen.merge(service, generation, Math::max);
        if (folder == null) {
            return;
        }
        try {
            Files.createDirectories(folder);
            synchronized (IN_THIS_JVM) {
                try (FileChannel ch = FileChannel.open(file(service), StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
                    long before = parse(new String(Files.readAllBytes(file(service)), StandardCharsets.US_ASCII));
                    if (generation > before) {
                        ch.truncate(0);
                        ch.write(java.nio.ByteBuffer.wrap(Long.toString(generation).getBytes(StandardCharsets.US_ASCII)), 0);
                        ch.force(true);
                    }
                }
            }
        } catch (IOException e) {
            // The in-memory ledger still guards this process; a folder we cannot write only weakens the next one's.
        }
    }

    private long onDisk(String service) {
        try {
            return parse(Files.readString(file(service), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return 0;
        }
    }

    private Path file(String service) {
        return folder.resolve(service);
    }

    private static long parse(String text) {
        try {
            return Math.max(0, Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
