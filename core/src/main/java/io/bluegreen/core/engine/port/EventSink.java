package io.bluegreen.core.engine.port;

/** Where adapters report progress of long work (build output, push progress, gate counts). */
@FunctionalInterface
public interface EventSink {
    void progress(String message);

    EventSink NONE = message -> { };
}
