package io.bluegreen.core.engine;

/**
 * Whether what the store holds is signed: with a key, every record is signed when written and refused when read
 * unless its signature verifies; without one, nothing is. Commands and binaries run from a signed state only.
 */
public enum Signing {
    SIGNED,
    UNSIGNED
}
