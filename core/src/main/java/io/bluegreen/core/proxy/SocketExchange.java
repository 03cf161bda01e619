package io.bluegreen.core.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One request on a fresh connection to a proxy's admin socket (a unix socket path, or host:port), the whole answer
 * read until the proxy closes, within a time limit and a size limit: HAProxy's runtime API and nginx's admin server
 * both answer this way.
 */
final class SocketExchange {
    private static final Pattern HOST_PORT = Pattern.compile("(.+):([0-9]{1,5})");

    /** Why an exchange did not end with the proxy's whole answer (not an I/O failure: the proxy was reached). */
    static final class Incomplete extends Exception {
        Incomplete(String message) {
            super(message);
        }
    }

    private SocketExchange() {
    }

    /** Sends {@code request}, returns everything read until the proxy closes; IOException when it cannot be reached. */
    static String exchange(String address, String request, Duration timeout, int maxAnswer) throws IOException, Incomplete {
        long end = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(socketAddress(address)); Selector sel = Selector.open()) {
            ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8));
            while (out.hasRemaining()) {
                ch.write(out);
            }
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder answer = new StringBuilder();
            while (true) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new Incomplete("did not finish answering within " + timeout.toSeconds() + "s");
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n = ch.read(buf);
                if (n < 0) {
                    return answer.toString();
                }
                buf.flip();
                answer.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
                if (answer.length() > maxAnswer) {
                    throw new Incomplete("answered more than " + maxAnswer + " chars");
                }
            }
        }
    }

    private static SocketAddress socketAddress(String address) {
        Matcher tcp = HOST_PORT.matcher(address);
        if (tcp.matches() && !address.contains("/")) {
            return new InetSocketAddress(tcp.group(1), Integer.parseInt(tcp.group(2)));
        }
        return UnixDomainSocketAddress.of(address);
    }
}
