import io.bluegreen.core.consul.format.GenerationLedger;
import io.bluegreen.core.consul.format.SavedRecords;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.Journal;
import io.bluegreen.core.engine.Recipe;
import io.bluegreen.core.engine.ReleaseControl;
import io.bluegreen.core.engine.RouterRef;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.proxy.Routers;
import io.bluegreen.core.spec.HookSpec;
import io.bluegreen.core.spec.HooksSpec;
import io.bluegreen.core.spec.PromotionSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the save format costs in process: writing and reading back (every field checked) a state, a journal and a
 * history record of a two-color service, signed and unsigned. Prints the median of 7 rounds of ROUNDS records each,
 * in microseconds per record, after a warm-up. bench/saved-state.sh runs it beside the wall-time figures.
 * usage: java -cp "cli/target/classes:cli/target/lib/*" bench/SavedStateBench.java [ROUNDS]
 */
public class SavedStateBench {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        String service = "bench-saved";
        Recipe recipe = new Recipe(8080, "127.0.0.1", "/health", "1s", "1s", 2, "30s",
                new Recipe.Verification("3s", "http://127.0.0.1:18080/", null), List.of("bluegreen-vote"),
                List.of("DATABASE_URL"), null);
        ReleaseControl control = new ReleaseControl(new PromotionSpec("manual", "1h", null, List.of()),
                new HooksSpec(List.of(new HookSpec("http://127.0.0.1:18474/health", "GET", 200, 3, null, null, "10s")),
                        List.of(new HookSpec(null, null, null, null, null, List.of("./smoke.sh", "--fast"), "2m")), List.of()),
                "http://127.0.0.1:18474/", "http://127.0.0.1:18080/", null, null);
        RouterRef nginx = new RouterRef("nginx", Map.of("upstreamFile", "/srv/stack/nginx/u.conf", "configFile",
                "/srv/stack/nginx/nginx.conf", "binary", "/usr/sbin/nginx"));
        Map<String, ColorState> colors = new TreeMap<>();
        for (String c : List.of("blue", "green")) {
            String d = c.equals("blue") ? "20261201-100000-0a1b" : "20261201-101000-0c2d";
            colors.put(c, new ColorState("v1", "127.0.0.1:5000/vote:v1", "sha256:" + "a".repeat(64), d, 2,
                    List.of(service + "-" + c + "-" + d + "-1", service + "-" + c + "-" + d + "-2"),
                    List.of("127.0.0.1:32768", "127.0.0.1:32769"), "2026-12-01T10:00:05Z", null, recipe, control));
        }
        ServiceState state = new ServiceState(service, "blue", colors, nginx, "10m", "30s", "2026-12-01T10:10:06Z", null, null);
        Journal journal = new Journal("20261201-101000-0c2d", "deploy", "gate", "green", "v1", state, nginx,
                "upstream bench-saved {\n    server 127.0.0.1:32768 max_fails=0;\n}\n", "2026-12-01T10:10:00Z");
        HistoryRecord history = HistoryRecord.of("20261201-101000-0c2d", "deploy", service).outcome("succeeded")
                .release("v1", "127.0.0.1:5000/vote:v1", "sha256:" + "a".repeat(64)).colors("green", "blue")
                .started("2026-12-01T10:10:00Z", System.nanoTime()).reason("target color green").recipe(recipe)
                .build("2026-12-01T10:10:06Z");
        System.out.printf("%-9s %-8s %14s %14s%n", "RECORD", "SIGNING", "WRITE+READ us", "(min .. max)");
        for (Optional<Secret> key : List.of(Optional.<Secret>empty(), Optional.of(new Secret("0123456789abcdef0123456789abcdef")))) {
            SavedRecords records = new SavedRecords(key, GenerationLedger.inMemory(), Routers.CHECK, "bench", n -> { });
            String sign = key.isPresent() ? "signed" : "unsigned";
            report("state", sign, rounds, () -> {
                SavedRecords.Prepared p = records.writeState("bluegreen/bench-saved/state", service, state);
                records.stored(service, p);
                records.readState("bluegreen/bench-saved/state", service, p.text());
            });
            report("journal", sign, rounds, () -> records.readJournal("bluegreen/bench-saved/journal", service,
                    records.writeJournal("bluegreen/bench-saved/journal", service, journal), null));
            report("history", sign, rounds, () -> records.readHistory("bluegreen/bench-saved/history/20261201-101000-0c2d",
                    service, "20261201-101000-0c2d", records.writeHistory("bluegreen/bench-saved/history/20261201-101000-0c2d",
                            service, history)));
        }
    }

    private static void report(String what, String signing, int rounds, Runnable once) {
        for (int i = 0; i < rounds; i++) {
            once.run(); // warm-up: the JIT, and the first class loads
        }
        double[] us = new double[7];
        for (int r = 0; r < us.length; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < rounds; i++) {
                once.run();
            }
            us[r] = (System.nanoTime() - t0) / 1000.0 / rounds;
        }
        Arrays.sort(us);
        System.out.printf("%-9s %-8s %14.1f %14s%n", what, signing, us[3], String.format("(%.1f .. %.1f)", us[0], us[6]));
    }
}
