package io.bluegreen.core.proxy;

import io.bluegreen.core.engine.port.RouterException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.io.IOException;
import java.time.Duration;

/**
 * HAProxy's runtime API (the admin socket): one command per connection, the whole answer read until HAProxy
 * closes, within a time limit.
 */
final class HaproxyRuntime implements HaproxyAdmin {
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
        try {
            return SocketExchange.exchange(address, command + "\n", TIMEOUT, MAX_ANSWER).stripTrailing();
        } catch (SocketExchange.Incomplete e) {
            throw new RouterException("HAProxy at " + address + " " + e.getMessage() + " ('" + command + "')");
        } catch (IOException e) {
            throw new SystemUnreachableException("proxy", "HAProxy admin socket " + address + " does not answer: "
                    + e.getMessage(), e);
        }
    }
}
