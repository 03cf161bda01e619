package io.bluegreen.core.hooks;

import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.port.HookException;
import io.bluegreen.core.spec.HookSpec;
import io.bluegreen.core.spec.Placeholders;
import io.bluegreen.core.spec.Placeholders.Placeholder;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A hook's placeholders filled in as it runs: {@code {env:NAME}} from this process's environment, {@code {file:PATH}}
 * from the file (one trailing newline dropped). The redactor learns each value before it is used, so no log line or
 * failure reason shows it; a value that cannot be had fails the hook naming the variable or file, never a value.
 */
final class PlaceholderValues {
    private final Function<String, String> environment;
    private final Redactor redactor;

    PlaceholderValues(Function<String, String> environment, Redactor redactor) {
        this.environment = environment;
        this.redactor = redactor;
    }

    /** The hook's URL, each value percent-encoded but for RFC 3986's unreserved characters: one path segment, or one query value. */
    URI url(HookSpec hook) {
        return URI.create(Placeholders.fill(hook.http(), p -> {
            // URLEncoder writes a space as '+', which a path would keep as a plus.
            String encoded = URLEncoder.encode(value(hook, p), StandardCharsets.UTF_8).replace("+", "%20");
            redactor.add(encoded);
            return encoded;
        }));
    }

    /** The value of header {@code name}; a value that would break the request's framing fails the hook. */
    String header(HookSpec hook, String name) {
        return Placeholders.fill(hook.headers().get(name), p -> {
            String value = value(hook, p);
            if (value.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t')) {
                throw new HookException(hook.describe() + ": " + p.text() + " holds a line break or another control"
                        + " character, which header " + name + " cannot carry");
            }
            return value;
        });
    }

    private String value(HookSpec hook, Placeholder p) {
        String value = switch (p.source()) {
            case ENV -> environment.apply(p.name());
            case FILE -> file(hook, p);
        };
        if (value == null || value.isEmpty()) {
            throw new HookException(hook.describe() + ": " + p.text() + ": " + (p.source() == Placeholders.Source.ENV
                    ? "environment variable " + p.name() + " is not set (or empty) where the tool runs" : "file is empty"));
        }
        redactor.add(value);
        return value;
    }

    private static String file(HookSpec hook, Placeholder p) {
        try {
            String text = Files.readString(Path.of(p.name()));
            String line = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
            return line.endsWith("\r") && line.length() < text.length() ? line.substring(0, line.length() - 1) : line;
        } catch (IOException e) {
            // Its class says why (NoSuchFileException, AccessDeniedException, MalformedInputException).
            throw new HookException(hook.describe() + ": " + p.text() + ": cannot read file " + p.name() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }
}
