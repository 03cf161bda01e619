package io.bluegreen.core.it;

import static org.junit.Assert.fail;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference architecture, real: three Consul servers, a manager's Consul agent and three nodes (a Docker engine
 * and a Consul agent each), every one in its own network namespace, started, killed and stopped by the project's
 * scripts/cluster.sh.
 */
public final class ConsulCluster {
    /** One node as cluster.sh prints it: its engine and the URL of its own Consul agent. */
    public record Node(String name, String host, String address, String zone, String agent) {
        public int index() {
            return Integer.parseInt(name.substring(3));
        }

        public String yaml() {
            return "{ name: " + name + ", host: \"" + host + "\", address: " + address + ", consul: \"" + agent + "\" }";
        }
    }

    public final List<String> servers;
    public final String manager;
    public final List<Node> nodes;

    private ConsulCluster(List<String> servers, String manager, List<Node> nodes) {
        this.servers = servers;
        this.manager = manager;
        this.nodes = nodes;
    }

    /** Starts whatever part does not run (so it also brings back what a test killed). */
    public static ConsulCluster up() {
        List<String> servers = new ArrayList<>();
        String manager = null;
        List<Node> nodes = new ArrayList<>();
        for (String line : run("up").split("\n")) {
            String[] f = line.trim().split(" ");
            switch (f[0]) {
                case "server" -> servers.add(f[2]);
                case "manager" -> manager = f[2];
                case "node" -> nodes.add(new Node(f[1], f[2], f[3], f[4], f[5]));
                default -> { }
            }
        }
        if (servers.size() != 3 || manager == null || nodes.size() != 3) {
            fail("scripts/cluster.sh up gave servers " + servers + ", manager " + manager + ", nodes " + nodes);
        }
        return new ConsulCluster(List.copyOf(servers), manager, List.copyOf(nodes));
    }

    public static void down() {
        run("down");
    }

    /** The node dies: its dockerd, its containers and its Consul agent get SIGKILL. */
    public void killNode(Node n) {
        run("kill-node", Integer.toString(n.index()));
    }

    /** The manager's (the deployer's) Consul agent dies (SIGKILL), or leaves the cluster gracefully. */
    public void killManagerAgent(boolean gracefully) {
        run(gracefully ? "leave-agent" : "kill-agent", "20");
    }

    /** SIGKILL to the server that leads now. */
    public void killLeader() {
        run("kill-leader");
    }

    /** The engines target over the nodes, each registering at its own node's agent. */
    public String target() {
        return target(null);
    }

    /** The same, with these {@code constraints} ({@code node.labels.zone == b}: node eng12 only), or none when null. */
    public String target(String constraint) {
        StringBuilder b = new StringBuilder("target:\n  type: engines\n");
        if (constraint != null) {
            b.append("  constraints: [ \"").append(constraint).append("\" ]\n");
        }
        b.append("  engines:\n");
        nodes.forEach(n -> b.append("    - ").append(n.yaml()).append('\n'));
        return b.toString();
    }

    /** The environment of a deployer whose Consul agent is {@code agent}. */
    public static java.util.Map<String, String> env(String agent) {
        java.util.Map<String, String> env = Stack.env();
        env.put("CONSUL_HTTP_ADDR", agent);
        return env;
    }

    private static String run(String... args) {
        return ProjectScript.run("cluster.sh", 200, args);
    }
}
