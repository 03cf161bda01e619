package io.bluegreen.core.it;

import org.junit.rules.ExternalResource;

/** A fresh service name and its own real nginx for each test; afterwards every trace of it is removed. */
public final class ServiceUnderTest extends ExternalResource {
    private final String prefix;
    private String name;
    private NginxProxy nginx;

    public ServiceUnderTest(String prefix) {
        this.prefix = prefix;
    }

    @Override
    protected void before() throws Throwable {
        Stack.shared();
        name = Stack.uniqueService(prefix);
        nginx = NginxProxy.start(name);
    }

    @Override
    protected void after() {
        Stack.cleanUp(Stack.shared().systems(), name);
        try {
            nginx.close();
        } catch (Exception e) {
            System.err.println("could not stop nginx " + name + ": " + e.getMessage());
        }
    }

    public String name() {
        return name;
    }

    public NginxProxy nginx() {
        return nginx;
    }
}
