package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.security.csrf.CrumbExclusion;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Consul cannot fetch a crumb: exactly {@code /bluegreen-watch/...} is exempt; the endpoint authenticates by its secret. */
@Extension
public class HealCrumbExclusion extends CrumbExclusion {
    static final String PREFIX = "/" + HealEndpoint.URL_NAME + "/";

    @Override
    public boolean process(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getPathInfo();
        if (path != null && path.startsWith(PREFIX)) {
            chain.doFilter(request, response);
            return true;
        }
        return false;
    }
}
