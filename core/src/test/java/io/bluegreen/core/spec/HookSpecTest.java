package io.bluegreen.core.spec;

import static org.junit.Assert.assertEquals;

import java.util.List;
import org.junit.Test;

/** What a hook's log lines and failure reasons show of it: never a query or a command's arguments, which carry tokens. */
public class HookSpecTest {
    @Test
    public void anHttpHookShowsSchemeHostAndPathOnly() {
        HookSpec chat = new HookSpec("https://chat.example:8443/hooks/release?token=s3cr3t&channel=ops#x", "POST", 200, 1,
                null, "10s");
        assertEquals("POST https://chat.example:8443/hooks/release?... (expect 200)", chat.describe());
        HookSpec health = new HookSpec("http://127.0.0.1:18474/health", "GET", 200, 3, null, "10s");
        assertEquals("GET http://127.0.0.1:18474/health (expect 200, 3 times)", health.describe());
    }

    @Test
    public void aCommandShowsItsProgramOnly() {
        HookSpec smoke = new HookSpec(null, null, null, null, List.of("/srv/smoke.sh", "--token", "s3cr3t"), "2m");
        assertEquals("run /srv/smoke.sh (+2 argument(s))", smoke.describe());
    }
}
