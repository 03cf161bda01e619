package io.bluegreen.core.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.Endpoint;
import java.util.List;
import java.util.Map;
import org.junit.Test;

/** The route text the tool and scripts/nginx/bluegreen_router.lua exchange: written, read back, refused when wrong. */
public class NginxRouteTest {
    @Test
    public void aRouteReadsBackAsWritten() {
        NginxRoute r = new NginxRoute("vote", Map.of(new Endpoint("127.0.0.1", 32780), 3));
        String text = r.text("deploy v2\nwith a newline");
        assertTrue(text, text.startsWith("# Written by bluegreen: deploy v2 with a newline. Do not edit.\nupstream vote\n"));
        assertEquals(r, NginxRoute.parse(text).route().orElseThrow());
        assertEquals(Map.of(), NginxRoute.parse("upstream vote\n").route().orElseThrow().weights());
    }

    @Test
    public void anythingElseIsRefusedNamingItsLine() {
        for (String bad : List.of("", "server 127.0.0.1:80 weight=1\n", "upstream Vote\n",
                "upstream vote\nserver 127.0.0.1:80;\n", "upstream vote\nserver 127.0.0.1:80 weight=0\n",
                "upstream vote\nserver 127.0.0.1:80 weight=1001\n", "upstream vote\nserver 256.0.0.1:80 weight=1\n",
                "upstream vote\nserver 127.0.0.1:0 weight=1\n", "upstream vote\nserver 127.0.0.1:65536 weight=1\n",
                "upstream vote\nserver example.org:80 weight=1\n", "upstream vote\nserver 127.0.0.1:80 weight=1 down\n",
                "upstream vote\nserver 127.0.0.1:80 weight=1\nserver 127.0.0.1:80 weight=2\n",
                "upstream vote\ninclude /etc/passwd;\n")) {
            NginxRoute.Parsed p = NginxRoute.parse(bad);
            assertTrue(bad, p.route().isEmpty() && !p.problems().isEmpty());
        }
        assertTrue(NginxRoute.parse("upstream vote\nserver 127.0.0.1:0 weight=1\n").problems().get(0).startsWith("line 2:"));
        assertTrue(NginxRoute.unusable(new Endpoint("db.internal", 80)).isPresent());
        assertTrue(NginxRoute.unusable(new Endpoint("127.0.0.1", 80)).isEmpty());
    }
}
