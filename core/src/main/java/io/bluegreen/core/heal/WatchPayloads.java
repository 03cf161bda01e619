package io.bluegreen.core.heal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.spec.InvalidSpecException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates the JSON a Consul watch passes to its handler: the {@code checks} watch (an array
 * of checks) and the {@code service} watch (an array of {@code {Node, Service, Checks}} entries). Entries
 * of other services (a checks watch without a service filter also reports node checks) are skipped.
 */
public final class WatchPayloads {
    public static final int MAX_BYTES = 1 << 20;
    private static final int MAX_ENTRIES = 10_000;
    private static final Set<String> STATUSES = Set.of("passing", "warning", "critical", "maintenance");
    private static final ObjectMapper JSON = new ObjectMapper();

    private WatchPayloads() {
    }

    public static WatchPayload parse(String text, String service) {
        if (text.length() > MAX_BYTES) {
            throw invalid("larger than " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text.isBlank() ? "[]" : text);
        } catch (JsonProcessingException e) {
            throw invalid("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (root == null || !root.isArray()) {
            throw invalid("expected a JSON array (a Consul checks or service watch), got " + (root == null ? "nothing" : root.getNodeType()));
        }
        if (root.size() > MAX_ENTRIES) {
            throw invalid("more than " + MAX_ENTRIES + " entries");
        }
        if (root.isEmpty()) {
            return new WatchPayload("empty", List.of());
        }
        boolean serviceWatch = root.get(0).isObject() && root.get(0).has("Service");
        List<WatchPayload.Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode e = root.get(i);
            if (!e.isObject()) {
                throw invalid("entry " + i + " is not an object");
            }
            if (serviceWatch) {
                JsonNode svc = e.get("Service");
                JsonNode checks = e.get("Checks");
                if (svc == null || !svc.isObject() || checks == null || !checks.isArray()) {
                    throw invalid("entry " + i + " lacks Service or Checks (a service watch entry)");
                }
                if (!service.equals(text(svc, "Service", i))) {
                    continue;
                }
                String id = text(svc, "ID", i);
                String worst = "passing";
                for (JsonNode c : checks) {
                    String status = status(c, i);
                    worst = rank(status) > rank(worst) ? status : worst;
                }
                verdicts.add(new WatchPayload.Verdict(id, worst));
            } else {
                if (!e.has("CheckID")) {
                    throw invalid("entry " + i + " has no CheckID (a checks watch entry)");
                }
                String status = status(e, i);
                if (!service.equals(e.path("ServiceName").asText(""))) {
                    continue;
                }
                verdicts.add(new WatchPayload.Verdict(text(e, "ServiceID", i), status));
            }
        }
        return new WatchPayload(serviceWatch ? "service" : "checks", verdicts);
    }

    private static String status(JsonNode check, int i) {
        String s = check.path("Status").asText("");
        if (!STATUSES.contains(s)) {
            throw invalid("entry " + i + " has Status '" + abbreviate(s) + "' (expected passing, warning, critical or maintenance)");
        }
        return s;
    }

    private static int rank(String status) {
        return switch (status) {
            case "passing" -> 0;
            case "warning" -> 1;
            default -> 2;
        };
    }

    private static String text(JsonNode node, String field, int i) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw invalid("entry " + i + " has no text field " + field);
        }
        return v.asText();
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }

    private static InvalidSpecException invalid(String why) {
        return new InvalidSpecException("watch payload: " + why);
    }
}
