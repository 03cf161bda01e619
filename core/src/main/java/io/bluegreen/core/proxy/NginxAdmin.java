package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * nginx's admin server of the runtime mode (scripts/nginx/bluegreen_router.lua), reached on its unix socket (or a
 * loopback host:port): one HTTP/1.0 request per connection, the answer read until nginx closes.
 */
final class NginxAdmin {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ANSWER = 1 << 20;
    private final String address;

    NginxAdmin(String address) {
        this.address = address;
    }

    String address() {
        return address;
    }

    /** An answer: its status and body. */
    record Answer(int status, String body) {
        boolean ok() {
            return status == 200;
        }
    }

    Answer get(String path) {
        return send("GET", path, "");
    }

    Answer put(String path, String body) {
        return send("PUT", path, body);
    }

    private Answer send(String method, String path, String body) {
        int length = body.getBytes(StandardCharsets.UTF_8).length;
        String request = method + " " + path + " HTTP/1.0\r\nHost: localhost\r\n"
                + (method.equals("PUT") ? "Content-Type: text/plain\r\nContent-Length: " + length + "\r\n" : "")
                + "\r\n" + body;
        String raw;
        try {
            raw = SocketExchange.exchange(address, request, TIMEOUT, MAX_ANSWER);
        } catch (SocketExchange.Incomplete e) {
            throw new RouterException("nginx's admin server at " + address + " " + e.getMessage() + " (" + method + " " + path + ")");
        } catch (IOException e) {
            throw new SystemUnreachableException("proxy", "nginx's admin server " + address + " does not answer: "
                    + e.getMessage() + " (is nginx running with scripts/nginx/bluegreen_router.lua? an nginx without"
                    + " libnginx-mod-http-lua needs router.nginx.mode: reload)", e);
        }
        int split = raw.indexOf("\r\n\r\n");
        String[] status = raw.substring(0, Math.max(0, raw.indexOf("\r\n"))).split(" ", 3);
        if (split < 0 || status.length < 2 || !status[0].startsWith("HTTP/") || !status[1].matches("[0-9]{3}")) {
            throw new RouterException("nginx's admin server at " + address + " answered " + method + " " + path
                    + " with something that is not HTTP");
        }
        return new Answer(Integer.parseInt(status[1]), raw.substring(split + 4));
    }
}
