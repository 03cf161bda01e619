package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
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
 * HAProxy's runtime API (the admin socket): one command per connection, the whole answer read until HAProxy
 * closes, within a time limit.
 */
final class HaproxyRuntime implements HaproxyAdmin {
    private static final Pattern HOST_PORT = Pattern.compile("(.+):([0-9]{1,5})");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ANSWER = 4 << 20;
    private final String address;

    HaproxyRuntime(String address) {
        this.address = address;
    }

    @Override
    public String address() {
        return address;
    }

    /** The answer without its trailing blank lines; unreachable socket → SystemUnreachableException. */
    @Override
    public String ask(String command) {
        if (command.contains("\n") || command.contains(";")) {
            throw new IllegalArgumentException("one plain command at a time: " + command);
        }
        long end = System.nanoTime() + TIMEOUT.toNanos();
        try (SocketChannel ch = SocketChannel.open(socketAddress()); Selector sel = Selector.open()) {
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            StringBuilder answer = new StringBuilder();
            while (true) {
                long left = (end - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new RouterException("HAProxy at " + address + " did not finish answering '" + command
                            + "' within " + TIMEOUT.toSeconds() + "s");
                }
                sel.select(left);
                sel.selectedKeys().clear();
                int n = ch.read(buf);
                if (n < 0) {
                    return answer.toString().stripTrailing();
                }
                buf.flip();
                answer.append(StandardCharsets.UTF_8.decode(buf));
                buf.clear();
                if (answer.length() > MAX_ANSWER) {
                    throw new RouterException("HAProxy's answer to '" + command + "' exceeds " + MAX_ANSWER + " chars");
                }
            }
        } catch (IOException e) {
            throw new SystemUnreachableException("proxy", "HAProxy admin socket " + address + " does not answer: "
                    + e.getMessage(), e);
        }
    }

    private SocketAddress socketAddress() {
        Matcher tcp = HOST_PORT.matcher(address);
        if (tcp.matches() && !address.contains("/")) {
            return new InetSocketAddress(tcp.group(1), Integer.parseInt(tcp.group(2)));
        }
        return UnixDomainSocketAddress.of(address);
    }
}
