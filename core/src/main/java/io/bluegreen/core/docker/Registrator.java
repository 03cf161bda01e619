package io.bluegreen.core.docker;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import io.bluegreen.core.consul.AgentServices;
import io.bluegreen.core.engine.ColorState;
import io.bluegreen.core.engine.Replica;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.engine.port.StateStore;
import java.io.Closeable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Keeps Consul in step with what runs: containers carrying our labels (registered as the deploy does, with the
 * check of their color's recipe, once their deploy is in the service's state) and Registrator-style containers
 * ({@code SERVICE_NAME}, {@code SERVICE_TAGS}, {@code SERVICE_CHECK_HTTP}, {@code SERVICE_CHECK_INTERVAL},
 * {@code SERVICE_CHECK_TIMEOUT}, as labels or environment). {@link #resync()} adds what is missing and removes
 * registrations whose container no longer runs on any followed engine; {@link #follow()} does the same on each
 * Docker event, and resyncs after an engine's event stream broke (the engine restarted).
 * Only registrations that name a container ({@code container_id} meta: a 64-hex container ID, after an
 * {@code <engine>/} prefix) of a service in scope are ever removed; Swarm replicas name their task there, which no
 * engine lists, so they are left to the deploy and heal.
 */
public final class Registrator implements Closeable {
    static final String REGISTERED_BY = "bluegreen-registrator";
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");
    private final List<DockerEngine> engines;
    private final AgentServices agent;
    private final ServiceRegistry registry;
    private final StateStore store;
    private final Set<String> scope;
    private final Consumer<String> log;
    private final List<Closeable> streams = new CopyOnWriteArrayList<>();
    private static final int RECONNECT_SECONDS = 2;
    private final ScheduledExecutorService reconnect = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "registrator-reconnect");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    /** {@code scope}: the services it manages; empty means every service it finds. */
    public Registrator(List<DockerEngine> engines, AgentServices agent, ServiceRegistry registry, StateStore store,
                       Set<String> scope, Consumer<String> log) {
        this.engines = engines;
        this.agent = agent;
        this.registry = registry;
        this.store = store;
        this.scope = scope;
        this.log = log;
    }

    /** What one resync changed. */
    public record Changes(List<String> added, List<String> removed) {
    }

    public synchronized Changes resync() {
        Map<String, Container> running = new HashMap<>();
        List<String> added = new ArrayList<>();
        for (DockerEngine e : engines) {
            for (Container c : e.client().listContainersCmd().exec()) {
                running.put(c.getId(), c);
                register(e, c).ifPresent(added::add);
            }
        }
        List<String> removed = new ArrayList<>();
        for (AgentServices.Registered r : agent.list()) {
            String container = r.meta().get("container_id");
            String id = container == null ? "" : container.substring(container.indexOf('/') + 1);
            if (CONTAINER_ID.matcher(id).matches() && inScope(r.name()) && !running.containsKey(id)) {
                registry.deregister(r.name(), r.id());
                removed.add(r.id());
            }
        }
        added.forEach(id -> log.accept("registered " + id));
        removed.forEach(id -> log.accept("deregistered " + id + " (its container no longer runs)"));
        return new Changes(added, removed);
    }

    /**
     * Follows every engine's container events until {@link #close()}; each event resyncs. A broken stream (the
     * engine restarted or went away) is reopened every {@value #RECONNECT_SECONDS} s, and a resync follows.
     */
    public void follow() {
        engines.forEach(this::follow);
    }

    private void follow(DockerEngine e) {
        if (closed) {
            return;
        }
        streams.add(e.client().eventsCmd().withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("start", "die", "stop", "destroy")
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        // At a die event the engine may still list the container as running for a moment: forget
                        // it by ID now and resync a little later, or the resync would register it again.
                        if (!"start".equals(event.getStatus()) && event.getId() != null) {
                            quietly(() -> forget(event.getId()));
                            reconnect.schedule(() -> quietly(Registrator.this::resync), 1, TimeUnit.SECONDS);
                        } else {
                            quietly(Registrator.this::resync);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        if (closed) {
                            return;
                        }
                        log.accept("events of " + e.host() + " broke (" + DockerEngine.rootMessage(t) + "); reconnecting");
                        reconnect.schedule(() -> {
                            follow(e);
                            quietly(Registrator.this::resync);
                        }, RECONNECT_SECONDS, TimeUnit.SECONDS);
                    }
                }));
    }

    /** Deregisters whatever was registered for this container. */
    private synchronized void forget(String containerId) {
        for (AgentServices.Registered r : agent.list()) {
            String container = r.meta().get("container_id");
            if (container != null && inScope(r.name()) && container.endsWith(containerId)) {
                registry.deregister(r.name(), r.id());
                log.accept("deregistered " + r.id() + " (its container stopped)");
            }
        }
    }

    private void quietly(Runnable r) {
        try {
            if (!closed) {
                r.run();
            }
        } catch (RuntimeException e) {
            log.accept("resync failed: " + DockerEngine.rootMessage(e));
        }
    }

    private boolean inScope(String service) {
        return scope.isEmpty() || scope.contains(service);
    }

    /** Registers {@code c} when it is ours or Registrator-labelled, in scope and not registered yet: its ID, else empty. */
    private Optional<String> register(DockerEngine engine, Container c) {
        Map<String, String> labels = c.getLabels() == null ? Map.of() : c.getLabels();
        String ours = labels.get(ReplicaLabels.SERVICE);
        if (ours != null) {
            return inScope(ours) ? registerOurs(engine, ours, c) : Optional.empty();
        }
        Map<String, String> settings = new HashMap<>();
        InspectContainerResponse info = engine.client().inspectContainerCmd(c.getId()).exec();
        for (String kv : info.getConfig().getEnv() == null ? new String[0] : info.getConfig().getEnv()) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.startsWith("SERVICE_")) {
                settings.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        labels.forEach((k, v) -> {
            if (k.startsWith("SERVICE_")) {
                settings.put(k, v);
            }
        });
        String name = settings.get("SERVICE_NAME");
        ContainerPort port = published(c);
        if (name == null || !inScope(name) || port == null) {
            return Optional.empty();
        }
        String id = name + "-" + c.getId().substring(0, 12);
        if (registered().contains(id)) {
            return Optional.empty();
        }
        List<String> tags = settings.containsKey("SERVICE_TAGS")
                ? Arrays.stream(settings.get("SERVICE_TAGS").split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList()
                : List.of();
        agent.register(id, name, tags,
                DockerReplicaCluster.reachable(port.getIp() == null || port.getIp().isEmpty() ? "0.0.0.0" : port.getIp()), port.getPublicPort(),
                Map.of("container_id", c.getId(), "registered_by", REGISTERED_BY),
                settings.get("SERVICE_CHECK_HTTP"), settings.getOrDefault("SERVICE_CHECK_INTERVAL", "10s"),
                settings.getOrDefault("SERVICE_CHECK_TIMEOUT", "5s"));
        return Optional.of(id);
    }

    /** Ours only once the deploy that started it is in the state: a deploy in progress registers its own replicas. */
    private Optional<String> registerOurs(DockerEngine engine, String service, Container c) {
        Set<String> known = registered();
        for (Replica r : new DockerReplicaCluster(engine).list(service)) {
            if (!r.runtimeId().equals(c.getId()) || known.contains(r.id())) {
                continue;
            }
            ServiceState state = store.readState(service).value();
            Optional<ColorState> color = state.color(r.color())
                    .filter(s -> r.deployId().equals(s.deployId()) && s.recipe() != null);
            if (color.isPresent()) {
                registry.register(r, color.get().digest(), color.get().recipe().health(),
                        state.inPreview().filter(p -> p.previewColor() == r.color()).isPresent()
                                ? ServiceRegistry.Audience.PREVIEW : ServiceRegistry.Audience.PRODUCTION);
                return Optional.of(r.id());
            }
        }
        return Optional.empty();
    }

    private Set<String> registered() {
        Set<String> ids = new HashSet<>();
        agent.list().forEach(r -> ids.add(r.id()));
        return ids;
    }

    private static ContainerPort published(Container c) {
        for (ContainerPort p : c.getPorts() == null ? new ContainerPort[0] : c.getPorts()) {
            if (p.getPublicPort() != null && (p.getIp() == null || !p.getIp().contains(":"))) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void close() {
        closed = true;
        reconnect.shutdownNow();
        for (Closeable s : streams) {
            try {
                s.close();
            } catch (java.io.IOException ignored) {
                // closing anyway
            }
        }
    }
}
