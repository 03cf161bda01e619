package io.bluegreen.core;

import io.bluegreen.core.consul.AgentServices;
import io.bluegreen.core.consul.ConsulAgent;
import io.bluegreen.core.consul.ConsulServiceLock;
import io.bluegreen.core.consul.ConsulServiceRegistry;
import io.bluegreen.core.consul.ConsulStateStore;
import io.bluegreen.core.consul.format.GenerationLedger;
import io.bluegreen.core.consul.format.SavedRecords;
import io.bluegreen.core.docker.DockerEngine;
import io.bluegreen.core.docker.DockerImageStore;
import io.bluegreen.core.docker.DockerReplicaCluster;
import io.bluegreen.core.docker.EnginesReplicaCluster;
import io.bluegreen.core.docker.Registrator;
import io.bluegreen.core.docker.SwarmReplicaCluster;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.History;
import io.bluegreen.core.engine.HistoryRecord;
import io.bluegreen.core.engine.OperationKind;
import io.bluegreen.core.engine.Promotion;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.Redeployment;
import io.bluegreen.core.engine.ServiceRepair;
import io.bluegreen.core.engine.ServiceState;
import io.bluegreen.core.engine.StandbyRollback;
import io.bluegreen.core.engine.StatusReader;
import io.bluegreen.core.engine.StatusReport;
import io.bluegreen.core.engine.Systems;
import io.bluegreen.core.engine.port.ReplicaCluster;
import io.bluegreen.core.engine.port.ServiceRegistry;
import io.bluegreen.core.engine.port.StateStore;
import io.bluegreen.core.heal.Dashboard;
import io.bluegreen.core.heal.HealSettings;
import io.bluegreen.core.heal.HealWorker;
import io.bluegreen.core.heal.TrendSettings;
import io.bluegreen.core.heal.Healer;
import io.bluegreen.core.heal.WatchIndexes;
import io.bluegreen.core.heal.WatchReceiver;
import io.bluegreen.core.hooks.LocalHookRunner;
import io.bluegreen.core.prometheus.PrometheusClient;
import io.bluegreen.core.proxy.Routers;
import io.bluegreen.core.proxy.UrlProbe;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.TargetSpec;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The front door: wires the real adapters (the Docker engines, a Consul agent, the spec's proxy) behind the engine's
 * ports. The CLI and the Jenkins plugin both start here, and act on a service only through the operations below
 * ({@link #deploy}, {@link #rollback}, {@link #status}, {@link #repair}, {@link #history}, {@link #healer},
 * {@link #watchReceiver}): each one chooses the systems itself, a spec's {@code target:} for a deploy and the target
 * recorded in the service's state for everything else, so no caller can act on the wrong engines.
 */
public final class BlueGreen implements Closeable {
    /** How long `rollback --to` waits for another operation on the service, as a rollback does. */
    private static final Duration ROLLBACK_LOCK_WAIT = Duration.ofSeconds(60);
    private final Connections connections;
    private final DockerEngine docker;
    private final Systems systems;
    private final Function<TargetSpec, ReplicaCluster> openCluster;
    private final Function<ReplicaCluster, ServiceRegistry> registryOn;
    private final Map<TargetSpec, Systems> byTarget = new ConcurrentHashMap<>();
    private final List<ReplicaCluster> opened = new CopyOnWriteArrayList<>();

    /** {@code openCluster} opens the cluster of a target that is not local; it is called once per target. */
    BlueGreen(Connections connections, DockerEngine docker, Systems systems, Function<TargetSpec, ReplicaCluster> openCluster) {
        this(connections, docker, systems, openCluster, cluster -> systems.registry());
    }

    /** {@code registryOn}: the registry for a cluster, registering each replica where that cluster says it belongs. */
    private BlueGreen(Connections connections, DockerEngine docker, Systems systems, Function<TargetSpec, ReplicaCluster> openCluster,
                      Function<ReplicaCluster, ServiceRegistry> registryOn) {
        this.connections = connections;
        this.docker = docker;
        this.systems = systems;
        this.openCluster = openCluster;
        this.registryOn = registryOn;
    }

    public static BlueGreen connect(Connections connections) {
        return connect(connections, System.err::println);
    }

    /** {@code notices}: where what a person should know but is no error goes (that the state is unsigned, once). */
    public static BlueGreen connect(Connections connections, Consumer<String> notices) {
        DockerEngine docker = new DockerEngine(connections);
        ConsulAgent consul = new ConsulAgent(connections);
        Redactor redactor = new Redactor(connections.secrets());
        Systems systems = new Systems(new DockerReplicaCluster(docker), new DockerImageStore(docker),
                new ConsulServiceRegistry(consul), new ConsulStateStore(consul, savedRecords(connections, notices)),
                new ConsulServiceLock(consul),
                Routers::forSpec, Routers::forRef, new LocalHookRunner(redactor), redactor,
                Clock.systemUTC(), PrometheusClient::new, UrlProbe::start, connections.actor());
        return new BlueGreen(connections, docker, systems, t -> t.type() == TargetSpec.Type.SWARM
                ? new SwarmReplicaCluster(connections, t, docker) : new EnginesReplicaCluster(connections, t, docker),
                cluster -> new ConsulServiceRegistry(consul, cluster::nodeAgent));
    }

    /**
     * The save format, signing with the configured key; this machine's ledger of generations is kept per Consul address
     * (each cluster counts its own). Without a key, it says so once on stderr.
     */
    private static SavedRecords savedRecords(Connections connections, Consumer<String> notices) {
        String version = BlueGreen.class.getPackage().getImplementationVersion();
        Path ledger = connections.saving().ledger().resolve("generations")
                .resolve(connections.consul().getHost() + "_" + connections.consul().getPort());
        return new SavedRecords(connections.saving().key(), GenerationLedger.in(ledger), Routers.CHECK,
                "bluegreen " + (version == null ? "development build" : version), notices);
    }

    /** A blue-green deploy of {@code spec} on the engines its {@code target:} names. */
    public DeployResult deploy(DeploymentSpec spec, DeployListener events) {
        settleDue(spec.service(), events);
        return new Deployer(systemsFor(spec.target()), events).deploy(spec);
    }

    /** The color in preview takes production traffic (through its canary steps), on the engines the service runs on. */
    public DeployResult promote(String service, DeployListener events) {
        Optional<Promotion.Settled> settled = settleDue(service, events);
        if (settled.isPresent() && settled.get().kind() == OperationKind.PROMOTE) {
            return settled.get().result(); // its bake time was over: promoted already
        }
        return new Promotion(systemsForService(service), events).promote(service, ROLLBACK_LOCK_WAIT);
    }

    /** The color in preview is dropped; production is not touched. */
    public DeployResult abort(String service, DeployListener events) {
        return new Promotion(systemsForService(service), events).abort(service, ROLLBACK_LOCK_WAIT);
    }

    /** What a preview's deadlines ask for now (abort past its timeout, promote past its bake time), done; empty: nothing due. */
    public Optional<Promotion.Settled> settleDue(String service, DeployListener events) {
        // One KV read decides: without a preview (nearly always) nothing more is read and no remote cluster is opened.
        ServiceState state = systems.store().readState(service).value();
        if (state.inPreview().isEmpty()) {
            return Optional.empty();
        }
        return new Promotion(systemsFor(state.runsOn()), events).settleDue(service, ROLLBACK_LOCK_WAIT);
    }

    /** Traffic back to the warm standby, on the engines the service runs on. */
    public DeployResult rollback(String service, DeployListener events) {
        settleDue(service, events);
        return new StandbyRollback(systemsForService(service), events).rollback(service);
    }

    /** {@code version} from the service's history released again through the gated deploy path, on its engines. */
    public DeployResult rollbackTo(String service, String version, DeployListener events) {
        settleDue(service, events);
        return new Redeployment(systemsForService(service), events).rollbackTo(service, version, ROLLBACK_LOCK_WAIT);
    }

    /** What runs where and how healthy, read from the engines the service runs on. */
    public StatusReport status(String service) {
        return new StatusReader(systemsForService(service)).read(service);
    }

    /** Undoes or finishes an interrupted operation from its journal; what was done, or empty when nothing was interrupted. */
    public Optional<String> repair(String service, DeployListener events) {
        return new ServiceRepair(systemsForService(service)).repair(service, events);
    }

    /**
     * Signs the service's state and history records as they are now (a person checked them): what was signed. Needs
     * the key; each record must still be valid.
     */
    public StateStore.Trusted trust(String service) {
        return systems.store().trust(service);
    }

    /** The newest {@code limit} history records of the service (they live in Consul, whatever the target). */
    public List<HistoryRecord> history(String service, int limit) {
        return new History(systems).list(service, limit);
    }

    /** The heal of one service, acting on the engines the service runs on when it acts. */
    public Healer healer(String service, HealSettings settings, DeployListener events) {
        return new Healer(healing(service), settings, events);
    }

    /** What a heal does is the heal worker's own, in whatever process runs it (a heal server, Jenkins, a watch's script). */
    private Systems healing(String service) {
        return onRecordedTarget(service).withActor(systems.actor().acting("heal worker"));
    }

    /**
     * Starts a heal worker for each service of {@code settings} (each acting on the engines the service runs on when it
     * acts; it reconciles at once, and on each change of the service's health) behind one receiver of Consul's watch
     * POSTs; the caller closes it. Nothing is asked of Consul here: a worker waits out an outage itself. {@code events}
     * gets the heals' engine events, {@code log} one line per heal and reconcile.
     */
    public WatchReceiver watchReceiver(Map<String, HealSettings> settings, DeployListener events, Consumer<String> log) {
        return watchReceiver(settings, Optional.empty(), events, log);
    }

    /** The same; with {@code trends}, each worker also replaces the active replicas its trend rule sees degrade. */
    public WatchReceiver watchReceiver(Map<String, HealSettings> settings, Optional<TrendSettings> trends, DeployListener events,
                                       Consumer<String> log) {
        Map<String, HealWorker> workers = new LinkedHashMap<>();
        settings.forEach((service, s) -> workers.put(service, new HealWorker(service, healing(service),
                healer(service, s, events), log, trends)));
        return new WatchReceiver(workers, new WatchIndexes()::accept, systems.redactor());
    }

    /**
     * The heal server's read-only side for {@code services}: /metrics and the dashboard, its plots from {@code prometheus}
     * when given. Everything it shows is in Consul, whatever the services' targets.
     */
    public Dashboard dashboard(List<String> services, Optional<java.net.URI> prometheus) {
        return new Dashboard(services, systems, s -> systemsForService(s).cluster(), prometheus.map(systems.metrics()));
    }

    /** The local engine's systems: what does not depend on a service's target (Consul's store, pings, the redactor). */
    public Systems systems() {
        return systems;
    }

    /** The systems for a target: the local engine's, its engines' or its swarm's (connected once per target). */
    public Systems systemsFor(TargetSpec target) {
        if (target == null || target.isLocal()) {
            return systems;
        }
        return byTarget.computeIfAbsent(target, t -> {
            ReplicaCluster cluster = openCluster.apply(t);
            opened.add(cluster);
            return on(cluster);
        });
    }

    /** The systems for a service already deployed: its state names the target it was deployed to. */
    public Systems systemsForService(String service) {
        return systemsFor(systems.store().readState(service).value().runsOn());
    }

    /** The systems of {@code service} for whatever outlives a deploy: its cluster is looked up from its state at each call. */
    private Systems onRecordedTarget(String service) {
        return on(new RecordedTargetCluster(() -> systemsForService(service).cluster()));
    }

    private Systems on(ReplicaCluster cluster) {
        return new Systems(cluster, systems.images(), registryOn.apply(cluster), systems.store(), systems.lock(),
                systems.routerForSpec(), systems.routerFor(), systems.hooks(), systems.redactor(), systems.clock(),
                systems.metrics(), systems.prober(), systems.actor());
    }

    /**
     * A registrator following {@code dockerHosts} (DOCKER_HOST's engine when empty) for the services in {@code scope}
     * (all when empty); the caller closes it.
     */
    public Registrator registrator(List<String> dockerHosts, Set<String> scope, Consumer<String> log) {
        List<DockerEngine> engines = dockerHosts.isEmpty() ? List.of(docker)
                : dockerHosts.stream().map(h -> new DockerEngine(connections, h, null)).toList();
        ConsulAgent consul = new ConsulAgent(connections);
        return new Registrator(engines, new AgentServices(consul), systems.registry(), systems.store(), scope, log);
    }

    @Override
    public void close() throws IOException {
        for (ReplicaCluster c : opened) {
            if (c instanceof Closeable closeable) {
                closeable.close();
            }
        }
        docker.close();
    }
}
