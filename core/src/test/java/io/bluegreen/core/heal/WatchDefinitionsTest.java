package io.bluegreen.core.heal;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.Test;

public class WatchDefinitionsTest {
    @Test
    public void anHttpWatchPostsTheSecretInItsHeader() throws Exception {
        String json = WatchDefinitions.agentConfig(List.of(WatchDefinitions.http("vote", "https://ci/bluegreen-watch/vote", "s3cret")));
        JsonNode w = new ObjectMapper().readTree(json).get("watches").get(0);
        assertEquals("checks", w.get("type").asText());
        assertEquals("vote", w.get("service").asText());
        assertEquals("http", w.get("handler_type").asText());
        JsonNode http = w.get("http_handler_config");
        assertEquals("https://ci/bluegreen-watch/vote", http.get("path").asText());
        assertEquals("POST", http.get("method").asText());
        assertEquals("s3cret", http.get("header").get(WatchGate.TOKEN_HEADER).get(0).asText());
    }
}
