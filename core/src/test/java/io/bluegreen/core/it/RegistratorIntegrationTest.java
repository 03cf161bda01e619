package io.bluegreen.core.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import io.bluegreen.core.consul.AgentServices;
import io.bluegreen.core.consul.ConsulAgent;
import io.bluegreen.core.consul.ConsulServiceRegistry;
import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.docker.Registrator;
import io.bluegreen.core.engine.Color;
import io.bluegreen.core.engine.ReplicaPlan;
import io.bluegreen.core.spec.TargetSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** The registrator against a real extra engine and the real Consul agent: resync and events. */
public class RegistratorIntegrationTest {
    private static final String IMAGE = Stack.REGISTRY + "/vote:engines-it";
    private static ExtraEngines.Engine engine;

    @Rule
    public TemporaryFolder tmp = new TemporaryFolder();
    @Rule
    public ServiceUnderTest svc = new ServiceUnderTest("reg");

    @BeforeClass
    public static void engine() {
        engine = ExtraEngines.up(1).get(0);
        Stack.shared().systems().images().build(new io.bluegreen.core.spec.BuildSpec(Stack.ROOT.resolve("examples/vote"),
                "Dockerfile", Map.of("VERSION", "v1")), IMAGE, m -> { });
    }

    @AfterClass
    public static void stop() {
        ExtraEngines.down();
    }

    /** Puts the image on the engine the way a deploy does (an unregistered replica of ours, in no state: left alone). */
    private void imageOnEngine(String name) throws Exception {
        TargetSpec target = Specs.spec(tmp.getRoot().toPath(), name, "v1", null, "0s",
                ExtraEngines.target(List.of(engine), null)).target();
        Stack.shared().systemsFor(target).cluster().start(ReplicaPlan.whole(name, Color.BLUE, "v1", "d1", IMAGE, 1, 8080,
                "127.0.0.1", Map.of(), List.of()), m -> { });
    }

    @Test
    public void resyncRemovesAStaleRegistrationAndAddsAMissedOne() throws Exception {
        String name = svc.name();
        imageOnEngine(name);
        ConsulAgent consul = new ConsulAgent(Stack.connections());
        AgentServices agent = new AgentServices(consul);
        agent.register(name + "-stale", name, List.of(), "127.0.0.1", 1, Map.of("container_id", "0".repeat(64)), null, null, null);
        try (DockerEngine docker = new DockerEngine(Stack.connections(), engine.host(), null);
             Registrator registrator = new Registrator(List.of(docker), agent, new ConsulServiceRegistry(consul),
                     Stack.shared().systems().store(), Set.of(name), System.out::println)) {
            String id = startRegistratorStyle(docker, name);
            Registrator.Changes changes = registrator.resync();
            String expected = name + "-" + id.substring(0, 12);
            assertEquals(List.of(name + "-stale"), changes.removed());
            assertEquals(List.of(expected), changes.added());
            assertTrue(Stack.shared().systems().registry().instances(name).stream()
                    .anyMatch(i -> i.id().equals(expected) && i.endpoint().host().equals(engine.address())));

        }
    }

    @Test
    public void followingDockerEventsRegistersAStartedContainerAndForgetsAKilledOne() throws Exception {
        String name = svc.name();
        imageOnEngine(name);
        ConsulAgent consul = new ConsulAgent(Stack.connections());
        try (DockerEngine docker = new DockerEngine(Stack.connections(), engine.host(), null);
             Registrator registrator = new Registrator(List.of(docker), new AgentServices(consul), new ConsulServiceRegistry(consul),
                     Stack.shared().systems().store(), Set.of(name), System.out::println)) {
            registrator.follow();
            Thread.sleep(1000);
            String id = startRegistratorStyle(docker, name);
            String expected = name + "-" + id.substring(0, 12);
            awaitRegistered(name, expected, true);
            docker.client().killContainerCmd(id).exec();
            awaitRegistered(name, expected, false);
        }
    }

    private static void awaitRegistered(String service, String id, boolean wanted) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        while (Stack.shared().systems().registry().instances(service).stream().anyMatch(i -> i.id().equals(id)) != wanted) {
            if (System.nanoTime() > end) {
                throw new AssertionError(id + (wanted ? " was not registered" : " was not deregistered") + " within 20 s");
            }
            Thread.sleep(200);
        }
    }

    /** A container as Registrator users label them: SERVICE_NAME and an HTTP check path. */
    private static String startRegistratorStyle(DockerEngine docker, String name) {
        Ports ports = new Ports();
        ports.bind(ExposedPort.tcp(8080), Ports.Binding.bindIp(engine.address()));
        String id = docker.client().createContainerCmd(IMAGE)
                .withLabels(Map.of("SERVICE_NAME", name, "SERVICE_CHECK_HTTP", "/health", "SERVICE_TAGS", "a,b"))
                .withExposedPorts(ExposedPort.tcp(8080))
                .withHostConfig(HostConfig.newHostConfig().withPortBindings(ports)).exec().getId();
        docker.client().startContainerCmd(id).exec();
        return id;
    }
}
