package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.UnprotectedRootAction;
import io.bluegreen.core.heal.WatchReceiver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Logger;
import jenkins.model.Jenkins;
import org.kohsuke.stapler.StaplerRequest2;
import org.kohsuke.stapler.StaplerResponse2;

/**
 * Where Consul's HTTP watch handler POSTs: {@code JENKINS_URL/bluegreen-watch/SERVICE}. No Jenkins login (Consul has
 * none): the service's own secret in {@code X-Bluegreen-Token}. What is checked, in which order and with which answer
 * is core's {@link WatchReceiver}, the same as {@code bluegreen heal-server}'s: 405, 401 (the same for a wrong secret and
 * a service nobody watches), 413, 400, 200 for an index already handled, else 202 at once while the service's heal worker heals in the background
 * and hands the corrective action to the configured job once per incident. Exempt from the CSRF crumb by
 * {@link HealCrumbExclusion}, for this path only.
 */
@Extension
public class HealEndpoint implements UnprotectedRootAction {
    static final String URL_NAME = "bluegreen-watch";
    private static final Logger LOGGER = Logger.getLogger(HealEndpoint.class.getName());

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

    /**
     * {@code POST /bluegreen-watch/SERVICE}. Authenticated by the secret in a header, never by a browser's session, so
     * there is no Jenkins permission to check and nothing a cross-site request could borrow; other methods get 405.
     */
    @SuppressWarnings({"lgtm[jenkins/no-permission-check]", "lgtm[jenkins/csrf]"})
    public void doDynamic(StaplerRequest2 req, StaplerResponse2 rsp) throws IOException {
        String service = req.getRestOfPath().replaceFirst("^/", "");
        WatchReceiver.Reply reply = HealWorkers.get()
                .receive(new WatchReceiver.Request(
                        req.getMethod(), req.getRequestURI(), service, req::getHeader, req.getInputStream()));
        if (reply.status() == 405) {
            rsp.setHeader("Allow", "POST");
        }
        if (reply.status() == 503) {
            LOGGER.warning("Consul watch POST for " + service + ": " + reply.message());
        }
        rsp.setStatus(reply.status());
        rsp.setContentType("text/plain;charset=UTF-8");
        rsp.getOutputStream().write((reply.message() + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
