package io.bluegreen.core.engine;

import java.util.List;

/** Replaces every known secret in text meant for people or files with {@code ****}. */
public final class Redactor {
    private final List<String> secrets;

    public Redactor(List<String> secrets) {
        this.secrets = secrets.stream().filter(s -> s.length() >= 3).toList();
    }

    public String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "****");
        }
        return out;
    }
}
