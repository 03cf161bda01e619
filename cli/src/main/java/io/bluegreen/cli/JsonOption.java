package io.bluegreen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import picocli.CommandLine.Option;

/** {@code --json}: only on the commands whose output has a machine-readable form; the others refuse the flag (exit 2). */
final class JsonOption {
    /** A report read by a person as often as by a program: indented. */
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** One object per line, as a stream of events or outcomes is read. */
    static final ObjectMapper ONE_LINE = new ObjectMapper();

    @Option(names = "--json", description = "machine-readable JSON instead of text")
    boolean on;
}
