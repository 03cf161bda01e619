package io.bluegreen.core.cluster;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A placement constraint on engine labels, in Swarm's words: {@code node.labels.zone == a} or
 * {@code engine.labels.disk != hdd}. A label the engine lacks never equals anything.
 */
public record Constraint(String label, boolean equal, String value) {
    private static final Pattern FORM = Pattern.compile(
            "\\s*(?:node|engine)\\.labels\\.([A-Za-z0-9][A-Za-z0-9._-]{0,62})\\s*(==|!=)\\s*([A-Za-z0-9][A-Za-z0-9._-]{0,62})\\s*");

    public static Optional<Constraint> parse(String text) {
        Matcher m = FORM.matcher(text);
        return m.matches() ? Optional.of(new Constraint(m.group(1), m.group(2).equals("=="), m.group(3))) : Optional.empty();
    }

    public boolean matches(Map<String, String> labels) {
        return value.equals(labels.get(label)) == equal;
    }

    @Override
    public String toString() {
        return "node.labels." + label + (equal ? " == " : " != ") + value;
    }
}
