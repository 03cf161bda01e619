package io.bluegreen.core.consul.format;

import static org.junit.Assert.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The ledger of generations seen, kept in a folder that every process of the machine shares. */
public class GenerationLedgerTest {
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    @Test
    public void itRemembersTheNewestAcrossLedgersOfOneFolder() {
        Path folder = tmp.getRoot().toPath().resolve("generations");
        GenerationLedger.in(folder).saw("vote", 7);
        GenerationLedger.in(folder).saw("vote", 5);
        assertEquals("values only grow", 7, GenerationLedger.in(folder).seen("vote"));
        assertEquals(0, GenerationLedger.in(folder).seen("other"));
    }

    /**
     * A file lock belongs to the whole JVM: threads of one JVM (a heal server's workers, a test beside them) writing at
     * once must not get OverlappingFileLockException (found by CI, in a trend test).
     */
    @Test
    public void manyThreadsOfOneJvmWriteAtOnce() throws Exception {
        Path folder = tmp.getRoot().toPath().resolve("generations");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                GenerationLedger ledger = GenerationLedger.in(folder);
                int offset = t;
                writes.add(pool.submit(() -> {
                    for (int i = 1; i <= 200; i++) {
                        ledger.saw("vote", i * 8L + offset);
                    }
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(200 * 8L + 7, GenerationLedger.in(folder).seen("vote"));
    }
}
