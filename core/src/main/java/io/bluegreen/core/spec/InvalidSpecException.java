package io.bluegreen.core.spec;

import java.util.List;

/** The spec (or a flag or step parameter mapped onto it) is invalid; each problem names its field. */
public class InvalidSpecException extends RuntimeException {
    private final List<String> problems;

    public InvalidSpecException(List<String> problems) {
        super("invalid input:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public InvalidSpecException(String problem) {
        this(List.of(problem));
    }

    public List<String> problems() {
        return problems;
    }
}
