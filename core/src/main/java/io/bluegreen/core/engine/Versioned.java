package io.bluegreen.core.engine;

/** A value read from KV with the modify index a check-and-set write must quote (0: the key is absent). */
public record Versioned<T>(T value, long index) {
}
