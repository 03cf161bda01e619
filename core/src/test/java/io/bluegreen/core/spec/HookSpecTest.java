package io.bluegreen.core.spec;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** What a hook's log lines and failure reasons show of it: never a query or a command's arguments, which carry tokens. */
public class HookSpecTest {
    @Test
    public void anHttpHookShowsSchemeHostAndPathOnly() {
        HookSpec chat = new HookSpec("https://chat.example:8443/hooks/release?token=s3cr3t&channel=ops#x", "POST", 200, 1,
                null, null, "10s");
        assertEquals("POST https://chat.example:8443/hooks/release?... (expect 200)", chat.describe());
        HookSpec health = new HookSpec("http://127.0.0.1:18474/health", "GET", 200, 3, null, null, "10s");
        assertEquals("GET http://127.0.0.1:18474/health (expect 200, 3 times)", health.describe());
    }

    @Test
    public void placeholdersShowAsWrittenAndHeadersByNameOnly() {
        HookSpec slack = new HookSpec("https://hooks.example/services/{env:SLACK_PATH}?token={env:HOOK_TOKEN}", "POST", 200, 1,
                Map.of("Authorization", "Bearer {file:/run/secrets/hook}"), null, "10s");
        assertEquals("POST https://hooks.example/services/{env:SLACK_PATH}?... (expect 200, headers Authorization)",
                slack.describe());
        HookSpec file = new HookSpec("https://h.example/a/{file:/run/odd?name#x}/b", "GET", 200, 1, null, null, "10s");
        assertEquals("a '?' in a file's path is no query", "GET https://h.example/a/{file:/run/odd?name#x}/b (expect 200)",
                file.describe());
    }

    @Test
    public void aCommandShowsItsProgramOnly() {
        HookSpec smoke = new HookSpec(null, null, null, null, null, List.of("/srv/smoke.sh", "--token", "s3cr3t"), "2m");
        assertEquals("run /srv/smoke.sh (+2 argument(s))", smoke.describe());
    }
}
