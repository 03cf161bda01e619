package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.Endpoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A route of nginx's runtime mode, as the tool writes it to the admin server, reads it back and saves it in the servers
 * file nginx loads at start (scripts/nginx/bluegreen_router.lua reads the same text): comment lines, {@code upstream
 * NAME}, then one {@code server IPV4:PORT weight=1..1000} per server; no server line routes nothing.
 */
record NginxRoute(String upstream, Map<Endpoint, Integer> weights) {
    static final int MAX_WEIGHT = 1000;
    static final int MAX_SERVERS = 512;
    private static final Pattern UPSTREAM = Pattern.compile("upstream ([a-z0-9][a-z0-9-]{0,127})");
    private static final String OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
    private static final Pattern IPV4 = Pattern.compile("(?:" + OCTET + "\\.){3}" + OCTET);
    private static final Pattern SERVER = Pattern.compile("server (" + IPV4 + "):([0-9]{1,5}) weight=([0-9]{1,4})");

    NginxRoute {
        weights = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(weights));
    }

    /** Every endpoint at the same weight: all traffic shared equally. */
    static NginxRoute even(String upstream, List<Endpoint> endpoints) {
        Map<Endpoint, Integer> w = new LinkedHashMap<>();
        endpoints.forEach(e -> w.put(e, 1));
        return new NginxRoute(upstream, w);
    }

    /** The text of this route, led by {@code note} as a comment. */
    String text(String note) {
        StringBuilder b = new StringBuilder();
        b.append("# Written by bluegreen: ").append(note.replaceAll("[\\r\\n]", " ")).append(". Do not edit.\n");
        b.append("upstream ").append(upstream).append('\n');
        weights.forEach((e, w) -> b.append("server ").append(e).append(" weight=").append(w).append('\n'));
        return b.toString();
    }

    /** What is wrong with {@code endpoint} for nginx's Lua balancer, which takes IPv4 addresses only; empty: nothing. */
    static Optional<String> unusable(Endpoint e) {
        return IPV4.matcher(e.host()).matches() && e.port() >= 1 && e.port() <= 65535 ? Optional.empty()
                : Optional.of(e + " is not IPV4:PORT (nginx's runtime balancer takes addresses, not names)");
    }

    /** {@code text} read as a route, or the problems found (each naming its line). */
    static Parsed parse(String text) {
        List<String> problems = new ArrayList<>();
        String upstream = null;
        Map<Endpoint, Integer> weights = new LinkedHashMap<>();
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (upstream == null) {
                Matcher m = UPSTREAM.matcher(line);
                if (m.matches()) {
                    upstream = m.group(1);
                } else {
                    problems.add("line " + n + ": expected 'upstream NAME' first");
                }
                continue;
            }
            Matcher m = SERVER.matcher(line);
            int port = m.matches() ? Integer.parseInt(m.group(2)) : 0;
            int weight = m.matches() ? Integer.parseInt(m.group(3)) : 0;
            if (port < 1 || port > 65535 || weight < 1 || weight > MAX_WEIGHT) {
                problems.add("line " + n + ": '" + (line.length() > 60 ? line.substring(0, 60) + "..." : line)
                        + "' is not 'server IPV4:PORT weight=1.." + MAX_WEIGHT + "'");
            } else if (weights.put(new Endpoint(m.group(1), port), weight) != null) {
                problems.add("line " + n + ": server " + m.group(1) + ":" + port + " twice");
            }
        }
        if (upstream == null && problems.isEmpty()) {
            problems.add("no 'upstream NAME' line");
        }
        if (weights.size() > MAX_SERVERS) {
            problems.add("more than " + MAX_SERVERS + " servers");
        }
        return new Parsed(problems.isEmpty() ? Optional.of(new NginxRoute(upstream, weights)) : Optional.empty(), problems);
    }

    /** A parsed route, or why there is none. */
    record Parsed(Optional<NginxRoute> route, List<String> problems) {
    }
}
