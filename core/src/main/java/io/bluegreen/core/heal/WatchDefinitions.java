package io.bluegreen.core.heal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Consul agent configuration of a watch on one service's checks, in Consul's own JSON: an HTTP handler
 * POSTing to {@code url} with the secret in {@link WatchGate#TOKEN_HEADER}, or a script handler.
 */
public final class WatchDefinitions {
    private static final String HANDLER_TIMEOUT = "10s";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private WatchDefinitions() {
    }

    /** {@code secretValue}: the secret itself, or a placeholder where the secret must not be shown. */
    public static Map<String, Object> http(String service, String url, String secretValue) {
        Map<String, Object> http = new LinkedHashMap<>();
        http.put("path", url);
        http.put("method", "POST");
        http.put("header", Map.of(WatchGate.TOKEN_HEADER, List.of(secretValue)));
        http.put("timeout", HANDLER_TIMEOUT);
        Map<String, Object> watch = checks(service);
        watch.put("handler_type", "http");
        watch.put("http_handler_config", http);
        return watch;
    }

    public static Map<String, Object> script(String service, List<String> args) {
        Map<String, Object> watch = checks(service);
        watch.put("handler_type", "script");
        watch.put("args", args);
        return watch;
    }

    /** {@code {"watches": [...]}}, indented: a file for the agent's configuration folder. */
    public static String agentConfig(List<Map<String, Object>> watches) {
        try {
            return JSON.writeValueAsString(Map.of("watches", watches));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> checks(String service) {
        Map<String, Object> watch = new LinkedHashMap<>();
        watch.put("type", "checks");
        watch.put("service", service);
        return watch;
    }
}
