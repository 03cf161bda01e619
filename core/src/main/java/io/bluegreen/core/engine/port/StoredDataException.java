package io.bluegreen.core.engine.port;

/**
 * A record read back from the store cannot be trusted: it does not parse, lacks a field, fails its signature, is
 * older than one already seen, or is in a format newer than this version reads. Nothing was done with it; the message
 * names the key, says what is wrong and what clears it.
 */
public class StoredDataException extends RuntimeException {
    private final String key;
    private final String problem;

    /** {@code problem} continues the key ("is not signed ..."); {@code remedy} says what a person can do (may be empty). */
    public StoredDataException(String key, String problem, String remedy) {
        super(key + " " + problem + ": nothing was done." + (remedy.isEmpty() ? "" : " " + remedy));
        this.key = key;
        this.problem = problem;
    }

    /** The KV key of the record, such as {@code bluegreen/vote/state}. */
    public String key() {
        return key;
    }

    /** The key and what is wrong with it, without what to do. */
    public String problem() {
        return key + " " + problem;
    }
}
