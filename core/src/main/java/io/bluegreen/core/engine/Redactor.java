package io.bluegreen.core.engine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Replaces every known secret in text meant for people or files with {@code ****}. */
public final class Redactor {
    private final CopyOnWriteArrayList<String> secrets = new CopyOnWriteArrayList<>();

    public Redactor(List<String> secrets) {
        secrets.forEach(this::add);
    }

    /** A secret learnt while running (a hook's placeholder filled in): redacted from then on, in every thread. */
    public void add(String secret) {
        if (secret.length() >= 3) {
            secrets.addIfAbsent(secret);
        }
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
