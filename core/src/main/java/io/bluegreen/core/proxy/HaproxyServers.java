package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.Endpoint;
import io.bluegreen.core.engine.port.RouterException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads HAProxy's answers about one backend's servers: {@code show servers state B} and {@code show stat}. */
final class HaproxyServers {
    private HaproxyServers() {
    }

    /** One server as {@code show servers state} reports it; admin state 0 is "ready" (bit 1 maint, 8 drain). */
    record Server(String name, String addr, int port, int opState, int adminState, int weight, int initialWeight) {
        boolean ready() {
            return adminState == 0;
        }

        Endpoint endpoint() {
            return new Endpoint(addr, port);
        }
    }

    /** Parses {@code show servers state BACKEND} (format version 1); anything else is an unexpected answer. */
    static List<Server> parseState(String backend, String answer) {
        List<String> lines = answer.lines().toList();
        if (lines.size() < 2 || !lines.get(0).equals("1") || !lines.get(1).startsWith("# be_id ")) {
            throw new RouterException("HAProxy answered 'show servers state " + backend + "' unexpectedly: "
                    + String.join(" | ", lines.subList(0, Math.min(3, lines.size()))));
        }
        List<String> header = Arrays.asList(lines.get(1).substring(2).split(" "));
        int name = column(header, "srv_name");
        int addr = column(header, "srv_addr");
        int port = column(header, "srv_port");
        int op = column(header, "srv_op_state");
        int admin = column(header, "srv_admin_state");
        int be = column(header, "be_name");
        int weight = column(header, "srv_uweight");
        int initial = column(header, "srv_iweight");
        List<Server> out = new ArrayList<>();
        for (String line : lines.subList(2, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(" ");
            try {
                if (f[be].equals(backend)) {
                    out.add(new Server(f[name], f[addr], Integer.parseInt(f[port]), Integer.parseInt(f[op]),
                            Integer.parseInt(f[admin]), Integer.parseInt(f[weight]), Integer.parseInt(f[initial])));
                }
            } catch (RuntimeException e) {
                throw new RouterException("cannot read HAProxy's server line '" + line + "': " + e);
            }
        }
        return out;
    }

    /**
     * Requests in flight per server of {@code backend}, from {@code show stat}'s CSV: {@code scur} (the streams the
     * server serves now) plus {@code qcur} (requests queued for it, when it has a {@code maxconn}). Checked on
     * HAProxy 2.6: a keep-alive connection idle between two requests counts in neither (not on the client side, and
     * a pooled server connection shows in {@code idle_conn_cur}/{@code safe_conn_cur}); one slow request counts 1.
     */
    static Map<String, Integer> inFlight(String backend, String csv) {
        List<String> lines = csv.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# pxname,svname,")) {
            throw new RouterException("HAProxy answered 'show stat' unexpectedly: " + (lines.isEmpty() ? "(nothing)" : lines.get(0)));
        }
        List<String> header = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        int scur = column(header, "scur");
        int qcur = column(header, "qcur");
        int width = Math.max(scur, qcur);
        Map<String, Integer> out = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            if (f.length > width && f[0].equals(backend) && !f[1].equals("BACKEND")) {
                try {
                    out.put(f[1], count(f[scur]) + count(f[qcur]));
                } catch (NumberFormatException e) {
                    throw new RouterException("cannot read HAProxy's stat line '" + line + "': " + e.getMessage());
                }
            }
        }
        return out;
    }

    private static int count(String field) {
        return field.isEmpty() ? 0 : Integer.parseInt(field);
    }

    private static int column(List<String> header, String name) {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new RouterException("HAProxy's answer lacks the column " + name + " (header: " + String.join(" ", header) + ")");
        }
        return i;
    }
}
