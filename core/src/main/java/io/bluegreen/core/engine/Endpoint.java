package io.bluegreen.core.engine;

/** Where a replica answers, as the proxy and Consul's check reach it. */
public record Endpoint(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }

    public static Endpoint parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        return new Endpoint(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
    }
}
