package io.bluegreen.core.it;

/** A real proxy a test deploys behind: its public address and the spec's router section for it. */
public interface Proxy {
    /** Its port on 127.0.0.1. */
    int port();

    default String url() {
        return "http://127.0.0.1:" + port() + "/";
    }

    /** The {@code router:} mapping of a deploy spec, as YAML lines. */
    String routerYaml();
}
