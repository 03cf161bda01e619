package io.bluegreen.core.spec;

import java.net.URI;
import java.net.URISyntaxException;

/** Validation of the http(s) addresses users hand us on the command line (Jenkins, the heal server). */
public final class HttpUrls {
    private HttpUrls() {
    }

    /**
     * {@code http(s)://host[:port][/path]} without credentials, query or fragment, trailing slashes dropped;
     * anything else is refused naming {@code flag} (and never echoing a password someone put into it).
     */
    public static URI validated(String flag, String url) {
        try {
            URI u = new URI(url.strip());
            if (u.getScheme() != null && (u.getScheme().equals("http") || u.getScheme().equals("https")) && u.getHost() != null
                    && u.getRawUserInfo() == null && u.getRawQuery() == null && u.getRawFragment() == null) {
                String path = u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", "");
                return URI.create(u.getScheme() + "://" + u.getRawAuthority() + path);
            }
        } catch (URISyntaxException | IllegalArgumentException ignored) {
            // reported below
        }
        throw new InvalidSpecException(flag + ": '" + url.replaceAll("//[^/@]*@", "//****@").replaceAll("\\p{Cntrl}", "?")
                + "' is not http(s)://host[:port][/path] (without user:password, query or fragment)");
    }
}
