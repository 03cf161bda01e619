package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.UnprotectedRootAction;
import io.bluegreen.core.engine.Secret;
import io.bluegreen.core.heal.HealWorker;
import io.bluegreen.core.heal.WatchGate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * Where Consul's HTTP watch handler POSTs: {@code JENKINS_URL/bluegreen-watch/SERVICE}. No Jenkins login (Consul has
 * none): the service's own secret in {@code X-Bluegreen-Token}, compared in constant time, with the same 401 whether
 * or not the service is configured. Then core's gate (body at most 1 MiB: 413; a numeric, new X-Consul-Index: 400 or
 * 409; a valid watch payload: 400) and a heal by core's policy in the background, which hands the corrective action
 * to the configured job once per incident. Exempt from the CSRF crumb by {@link HealCrumbExclusion}, for this path only.
 */
@Extension
public class HealEndpoint implements UnprotectedRootAction {
    static final String URL_NAME = "bluegreen-watch";
    private static final Logger LOGGER = Logger.getLogger(HealEndpoint.class.getName());
    /** Compared against when the service is unknown, so that case takes the same time and answer as a wrong secret. */
    private static final Secret UNKNOWN = new Secret(HexFormat.of().formatHex(randomBytes()));

    private static byte[] randomBytes() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** The URL a service's watch POSTs to. */
    static String url(String service) {
        String root = Jenkins.get().getRootUrl();
        return (root == null ? "JENKINS_URL/" : root) + URL_NAME + "/" + service;
    }

    @Override
    public String getIconFileName() {
        return null;
    }

    @Override
    public String getDisplayName() {
        return null;
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }

    /** {@code POST /bluegreen-watch/SERVICE}. */
    public void doDynamic(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        String service = req.getRestOfPath().replaceFirst("^/", "");
        if (!"POST".equals(req.getMethod())) {
            rsp.setHeader("Allow", "POST");
            answer(rsp, 405, "only POST");
            return;
        }
        WatchedService watched = BlueGreenConfiguration.get().watched(service);
        String token = req.getHeader(WatchGate.TOKEN_HEADER);
        Secret expected = watched == null ? UNKNOWN : HealWorkers.get().secret(watched);
        if (!WatchGate.tokenMatches(token, expected == null ? UNKNOWN : expected) || watched == null) {
            answer(rsp, 401, WatchGate.refusal(token));
            return;
        }
        try {
            WatchGate.Answer a = WatchGate.admit(service, WatchGate.readBody(req.getInputStream()),
                    req.getHeader("X-Consul-Index"), (s, i) -> HealWorkers.get().indexes().accept(s, i));
            if (!a.admitted()) {
                answer(rsp, a.status(), a.message());
                return;
            }
            HealWorker.Trigger t = HealWorkers.get().trigger(watched, "watch index " + a.index());
            answer(rsp, t == HealWorker.Trigger.STOPPED ? 503 : 202, a.message() + "; heal " + t.name().toLowerCase());
        } catch (RuntimeException e) {
            LOGGER.warning("Consul watch POST for " + service + " failed: " + e.getMessage());
            answer(rsp, 503, "failed: " + e.getMessage());
        }
    }

    private static void answer(StaplerResponse2 rsp, int status, String message) throws IOException {
        rsp.setStatus(status);
        rsp.setContentType("text/plain;charset=UTF-8");
        rsp.getOutputStream().write((message + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
