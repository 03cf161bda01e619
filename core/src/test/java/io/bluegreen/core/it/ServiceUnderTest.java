package io.bluegreen.core.it;

import org.junit.rules.ExternalResource;

/**
 * A fresh service name and its own real nginx (or HAProxy) for each test, started on first use; afterwards
 * every trace of it is removed.
 */
public final class ServiceUnderTest extends ExternalResource {
    private final String prefix;
    private String name;
    private NginxProxy nginx;
    private HaproxyProxy haproxy;

    public ServiceUnderTest(String prefix) {
        this.prefix = prefix;
    }

    @Override
    protected void before() throws Throwable {
        Stack.shared();
        name = Stack.uniqueService(prefix);
    }

    @Override
    protected void after() {
        Stack.cleanUp(Stack.shared().systems(), name);
        for (AutoCloseable proxy : new AutoCloseable[] {nginx, haproxy}) {
            try {
                if (proxy != null) {
                    proxy.close();
                }
            } catch (Exception e) {
                System.err.println("could not stop the proxy of " + name + ": " + e.getMessage());
            }
        }
    }

    public String name() {
        return name;
    }

    public NginxProxy nginx() throws Exception {
        return nginx(false);
    }

    public HaproxyProxy haproxy() throws Exception {
        return haproxy(false);
    }

    /** The service's HAProxy; {@code preview} on first use gives it a preview route. */
    public HaproxyProxy haproxy(boolean preview) throws Exception {
        if (haproxy == null) {
            haproxy = HaproxyProxy.start(name, preview);
        }
        return haproxy;
    }

    /** The service's nginx (runtime mode); {@code preview} on first use gives it a preview route. */
    public NginxProxy nginx(boolean preview) throws Exception {
        return nginx(preview, NginxProxy.Mode.RUNTIME);
    }

    /** The service's nginx in {@code mode}, chosen on first use. */
    public NginxProxy nginx(boolean preview, NginxProxy.Mode mode) throws Exception {
        if (nginx == null) {
            nginx = NginxProxy.start(name, preview, mode);
        }
        return nginx;
    }
}
