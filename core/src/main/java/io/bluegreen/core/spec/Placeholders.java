package io.bluegreen.core.spec;

import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code {env:NAME}} and {@code {file:PATH}} in a hook's URL and header values: kept as text in the spec and the
 * state, and replaced by their values only when the hook runs, so that no token is saved in Consul or written in a log.
 */
public final class Placeholders {
    /** Any pair of braces; {@link #problem} checks what it holds. */
    private static final Pattern BRACES = Pattern.compile("\\{([^{}]*)}");
    private static final Pattern ENV = Pattern.compile("env:([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern FILE = Pattern.compile("file:([^\\p{Cntrl}]+)");
    /** What {@link #mask} puts in a placeholder's place: no URL or header text holds it. */
    static final char MASK = '\u0001';

    private Placeholders() {
    }

    public enum Source { ENV, FILE }

    /** {@code name}: an environment variable's name, or a file's path. */
    public record Placeholder(Source source, String name) {
        public String text() {
            return "{" + source.name().toLowerCase(Locale.ROOT) + ":" + name + "}";
        }
    }

    /** {@code template} with each placeholder replaced by {@code value}'s answer; the template must have passed {@link #problem}. */
    public static String fill(String template, Function<Placeholder, String> value) {
        return BRACES.matcher(template).replaceAll(m -> Matcher.quoteReplacement(value.apply(placeholder(m.group(1)))));
    }

    /**
     * {@code template} with each character of a placeholder replaced by {@link #MASK}: the same length, so that where
     * a URL's query starts is found outside placeholders (a file's path may hold a '?') and cut in the template itself.
     */
    static String mask(String template) {
        return BRACES.matcher(template).replaceAll(m -> String.valueOf(MASK).repeat(m.group().length()));
    }

    /** Where the first of {@code chars} is in a {@link #mask}ed template from {@code from}, or its length. */
    static int first(String masked, String chars, int from) {
        for (int i = from; i < masked.length(); i++) {
            if (chars.indexOf(masked.charAt(i)) >= 0) {
                return i;
            }
        }
        return masked.length();
    }

    /** What is wrong with the template's braces, or null; never quotes what they hold (a mistyped token, maybe). */
    static String problem(String template) {
        Matcher m = BRACES.matcher(template);
        while (m.find()) {
            if (!ENV.matcher(m.group(1)).matches() && !FILE.matcher(m.group(1)).matches()) {
                return "holds braces that are not a placeholder {env:NAME} (NAME: letters, digits, _) or {file:PATH}";
            }
        }
        String rest = m.replaceAll("");
        return rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0
                ? "holds a '{' or '}' outside a placeholder {env:NAME} or {file:PATH}" : null;
    }

    private static Placeholder placeholder(String inner) {
        Matcher env = ENV.matcher(inner);
        if (env.matches()) {
            return new Placeholder(Source.ENV, env.group(1));
        }
        Matcher file = FILE.matcher(inner);
        if (file.matches()) {
            return new Placeholder(Source.FILE, file.group(1));
        }
        throw new IllegalArgumentException("a template that was not checked");
    }
}
