package io.bluegreen.core.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.port.RouterException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The exact commands each router sends its proxy, beside the tests against the real HAProxy and nginx: what goes over
 * HAProxy's admin socket for a flip, a canary step and a restore, and which nginx command lines a flip runs.
 */
public class RouterCommandsTest {
    private static final Endpoint A1 = Endpoint.parse("127.0.0.1:20001");
    private static final Endpoint A2 = Endpoint.parse("127.0.0.1:20002");
    private static final Endpoint B1 = Endpoint.parse("127.0.0.1:30001");
    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();

    /** HAProxy's runtime API for one backend, answering as HAProxy 2.6 does, and every command it was sent. */
    private static class RecordingHaproxy implements HaproxyAdmin {
        private static final String HEADER = "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"
                + " srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
                + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord";
        final List<String> sent = new ArrayList<>();
        /** name → {op state, admin state, weight} */
        final Map<String, int[]> servers = new LinkedHashMap<>();

        @Override
        public String address() {
            return "/run/haproxy/admin.sock";
        }

        @Override
        public String ask(String command) {
            sent.add(command);
            String[] w = command.split(" ");
            if (command.equals("show servers state web")) {
                StringBuilder b = new StringBuilder("1\n" + HEADER + "\n");
                int id = 1;
                for (Map.Entry<String, int[]> s : servers.entrySet()) {
                    Endpoint e = Endpoint.parse(s.getKey());
                    b.append("3 web ").append(id++).append(' ').append(s.getKey()).append(' ').append(e.host()).append(' ')
                            .append(s.getValue()[0]).append(' ').append(s.getValue()[1]).append(' ').append(s.getValue()[2])
                            .append(" 1 0 1 0 0 0 0 0 0 - ").append(e.port()).append(" -\n");
                }
                return b.toString().stripTrailing();
            }
            if (command.startsWith("add server web/")) {
                servers.put(w[2].substring(4), new int[] {0, 1, 1});
                return "New server registered.";
            }
            if (command.startsWith("set server web/") && w[3].equals("state")) {
                int[] s = servers.get(w[2].substring(4));
                s[1] = w[4].equals("ready") ? 0 : 1;
                s[0] = w[4].equals("ready") ? 2 : 0;
                return "";
            }
            if (command.startsWith("set server web/") && w[3].equals("weight")) {
                servers.get(w[2].substring(4))[2] = w[4].equals("100%") ? 1 : Integer.parseInt(w[4]);
                return "";
            }
            if (command.startsWith("del server web/")) {
                servers.remove(w[2].substring(4));
                return "Server deleted.";
            }
            return "Unknown command";
        }
    }

    private HaproxyRouter haproxy(RecordingHaproxy admin, Optional<Integer> maxconn) throws IOException {
        Path file = tmp.getRoot().toPath().resolve("backends.cfg");
        Files.writeString(file, "backend web\n    balance roundrobin\n");
        return new HaproxyRouter(admin, "web", file, maxconn);
    }

    @Test
    public void aFirstFlipAddsEachServerInMaintenanceThenSetsItReadyAndReadsTheStateBack() throws IOException {
        RecordingHaproxy admin = new RecordingHaproxy();
        HaproxyRouter router = haproxy(admin, Optional.of(8));

        router.route("web", List.of(A1, A2), "web blue v1 deploy op1");

        assertEquals(List.of("show servers state web",
                "add server web/127.0.0.1:20001 127.0.0.1:20001 maxconn 8",
                "set server web/127.0.0.1:20001 state ready",
                "add server web/127.0.0.1:20002 127.0.0.1:20002 maxconn 8",
                "set server web/127.0.0.1:20002 state ready",
                "show servers state web"), admin.sent);
        assertEquals("backend web\n    # bluegreen: web blue v1 deploy op1. The server lines are rewritten after every flip.\n"
                + "    server 127.0.0.1:20001 127.0.0.1:20001 maxconn 8\n    server 127.0.0.1:20002 127.0.0.1:20002 maxconn 8\n"
                + "    balance roundrobin\n", Files.readString(tmp.getRoot().toPath().resolve("backends.cfg")));
    }

    @Test
    public void aFlipReadiesTheNewServersBeforeTheOldGoToMaintenanceAndTheNextFlipDeletesThem() throws IOException {
        RecordingHaproxy admin = new RecordingHaproxy();
        HaproxyRouter router = haproxy(admin, Optional.empty());
        router.route("web", List.of(A1), "v1");
        admin.sent.clear();

        router.route("web", List.of(B1), "v2");
        assertEquals(List.of("show servers state web", "add server web/127.0.0.1:30001 127.0.0.1:30001",
                "set server web/127.0.0.1:30001 state ready", "set server web/127.0.0.1:20001 state maint",
                "show servers state web"), admin.sent);
        admin.sent.clear();

        router.route("web", List.of(A2), "v3");
        assertEquals(List.of("show servers state web", "add server web/127.0.0.1:20002 127.0.0.1:20002",
                "set server web/127.0.0.1:20002 state ready", "del server web/127.0.0.1:20001",
                "set server web/127.0.0.1:30001 state maint", "show servers state web"), admin.sent);
    }

    @Test
    public void aCanaryStepWeighsBothSidesAndTheFlipAfterItSetsTheInitialWeightBack() throws IOException {
        RecordingHaproxy admin = new RecordingHaproxy();
        HaproxyRouter router = haproxy(admin, Optional.empty());
        router.route("web", List.of(A1, A2), "v1");
        admin.sent.clear();

        router.split("web", List.of(B1), 25, "canary 25%");
        assertEquals(List.of("show servers state web", "set server web/127.0.0.1:20001 weight 75",
                "set server web/127.0.0.1:20002 weight 75", "add server web/127.0.0.1:30001 127.0.0.1:30001",
                "set server web/127.0.0.1:30001 weight 50", "set server web/127.0.0.1:30001 state ready"), admin.sent);
        admin.sent.clear();

        router.route("web", List.of(B1), "v2");
        assertEquals(List.of("show servers state web", "set server web/127.0.0.1:30001 weight 100%",
                "set server web/127.0.0.1:20001 state maint", "set server web/127.0.0.1:20002 state maint",
                "show servers state web"), admin.sent);
    }

    @Test
    public void aRestoreReadiesTheSnapshotsServersAndAnUnexpectedAnswerPutsBackWhatWasReady() throws IOException {
        RecordingHaproxy admin = new RecordingHaproxy();
        HaproxyRouter router = haproxy(admin, Optional.empty());
        router.route("web", List.of(A1), "v1");
        String snapshot = router.snapshot().orElseThrow();
        router.route("web", List.of(B1), "v2");
        admin.sent.clear();

        router.restore(Optional.of(snapshot));
        assertEquals(List.of("show servers state web", "set server web/127.0.0.1:20001 state ready",
                "set server web/127.0.0.1:30001 state maint", "show servers state web"), admin.sent);

        RecordingHaproxy refusing = new RecordingHaproxy() {
            @Override
            public String ask(String command) {
                return command.startsWith("add server") ? "Backend is full." : super.ask(command);
            }
        };
        HaproxyRouter other = haproxy(refusing, Optional.empty());
        RouterException e = assertThrows(RouterException.class, () -> other.route("web", List.of(A1), "v1"));
        assertTrue(e.getMessage(), e.getMessage().contains("HAProxy answered 'add server web/127.0.0.1:20001 127.0.0.1:20001'"
                + " unexpectedly: Backend is full."));
    }

    /** nginx's command lines, each run as an argv (never a shell), and what each answered. */
    private static final class RecordingNginx implements Command.Runner {
        final List<List<String>> ran = new ArrayList<>();
        int testExit = 0;

        @Override
        public Command.Result run(Duration timeout, String... argv) {
            ran.add(List.of(argv));
            return List.of(argv).contains("-t") ? new Command.Result(testExit, testExit == 0 ? "" : "unknown directive")
                    : new Command.Result(0, "");
        }
    }

    @Test
    public void anNginxFlipWritesTheUpstreamChecksTheWholeConfigThenReloads() throws IOException {
        Path upstream = tmp.getRoot().toPath().resolve("web.conf");
        Path config = tmp.getRoot().toPath().resolve("nginx.conf");
        RecordingNginx nginx = new RecordingNginx();
        NginxReloadRouter router = new NginxReloadRouter(upstream, config, "/usr/sbin/nginx", nginx);

        router.route("web", List.of(A1, A2), "web blue v1 deploy op1");

        assertEquals(List.of(List.of("/usr/sbin/nginx", "-t", "-q", "-c", config.toString()),
                List.of("/usr/sbin/nginx", "-T", "-q", "-c", config.toString()), List.of("/usr/sbin/nginx", "-V"),
                List.of("/usr/sbin/nginx", "-s", "reload", "-c", config.toString())), nginx.ran);
        assertEquals("# Written by bluegreen: web blue v1 deploy op1. Do not edit.\nupstream web {\n"
                + "    server 127.0.0.1:20001 max_fails=0;\n    server 127.0.0.1:20002 max_fails=0;\n    keepalive 32;\n}\n",
                Files.readString(upstream));
        assertEquals(java.util.Set.of(A1, A2), router.liveEndpoints());
    }

    @Test
    public void aConfigNginxRejectsPutsThePreviousUpstreamBackAndReloadsNothing() throws IOException {
        Path upstream = tmp.getRoot().toPath().resolve("web.conf");
        Path config = tmp.getRoot().toPath().resolve("nginx.conf");
        Files.writeString(upstream, "upstream web {\n    server 127.0.0.1:9 down;\n}\n");
        RecordingNginx nginx = new RecordingNginx();
        nginx.testExit = 1;
        NginxReloadRouter router = new NginxReloadRouter(upstream, config, "/usr/sbin/nginx", nginx);

        RouterException e = assertThrows(RouterException.class, () -> router.route("web", List.of(A1), "v1"));

        assertTrue(e.getMessage(), e.getMessage().contains("nginx -t rejected the new upstream file, kept the previous one:"
                + " unknown directive"));
        assertEquals("upstream web {\n    server 127.0.0.1:9 down;\n}\n", Files.readString(upstream));
        assertEquals(List.of(List.of("/usr/sbin/nginx", "-t", "-q", "-c", config.toString())), nginx.ran);
        assertEquals("a server marked down gets nothing", java.util.Set.of(), router.liveEndpoints());
    }
}
