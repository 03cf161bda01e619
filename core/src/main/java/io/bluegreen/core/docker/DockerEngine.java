package io.bluegreen.core.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;

/** One Docker engine reached through docker-java, with the registry credentials the user configured. */
public final class DockerEngine implements Closeable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Connections connections;
    private final String host;
    private final String certPath;
    /** Made on first use: a rollback, status or heal of the standby talks to Consul and the proxy only. */
    private Client made;

    private record Client(DefaultDockerClientConfig config, DockerHttpClient http, DockerClient docker) {
    }

    public DockerEngine(Connections connections) {
        this(connections, connections.dockerHost(), null);
    }

    /** Another engine than DOCKER_HOST's, with the same registry credentials; TLS files in {@code certPath} for tcp://. */
    public DockerEngine(Connections connections, String host, String certPath) {
        this.connections = connections;
        this.host = host;
        this.certPath = certPath;
    }

    private synchronized Client made() {
        if (made == null) {
            DefaultDockerClientConfig.Builder b = DefaultDockerClientConfig.createDefaultConfigBuilder()
                    .withDockerHost(host)
                    .withDockerConfig(connections.dockerConfig().toString());
            if (certPath != null) {
                b.withDockerTlsVerify(true).withDockerCertPath(certPath);
            }
            DefaultDockerClientConfig config = b.build();
            // Builds, pushes and pulls stream for minutes: no response timeout (ENVIRONMENT.md), a short connect timeout.
            DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                    .dockerHost(config.getDockerHost())
                    .sslConfig(config.getSSLConfig())
                    .maxConnections(64)
                    .connectionTimeout(Duration.ofSeconds(5))
                    .build();
            made = new Client(config, http, DockerClientImpl.getInstance(config, http));
        }
        return made;
    }

    public DockerClient client() {
        return made().docker();
    }

    /** A GET on the engine's API read as JSON: for the fields docker-java's models lack (a task's published ports). */
    JsonNode getJson(String pathAndQuery) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(pathAndQuery).build();
        try (DockerHttpClient.Response r = made().http().execute(request)) {
            if (r.getStatusCode() != 200) {
                throw new IllegalStateException("GET " + pathAndQuery + " on " + host + " answered " + r.getStatusCode());
            }
            return JSON.readTree(r.getBody());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String host() {
        return host;
    }

    /** The engine's networks by name. */
    Map<String, Network> networks() {
        Map<String, Network> byName = new LinkedHashMap<>();
        client().listNetworksCmd().exec().forEach(n -> byName.put(n.getName(), n));
        return byName;
    }

    /**
     * What {@code judge} finds wrong with each of {@code names} and the engine's network of that name (null when there
     * is none); it answers null for a network replicas can join.
     */
    List<String> networkProblems(List<String> names, BiFunction<String, Network, String> judge) {
        if (names.isEmpty()) {
            return List.of();
        }
        Map<String, Network> present = networks();
        return names.stream().map(name -> judge.apply(name, present.get(name))).filter(Objects::nonNull).toList();
    }

    public void ping() {
        try {
            client().pingCmd().exec();
        } catch (RuntimeException e) {
            throw new SystemUnreachableException("Docker", "no engine answers at " + host() + " (" + rootMessage(e) + ")", e);
        }
    }

    /**
     * Credentials for the registry serving {@code imageRef}: REGISTRY_USERNAME/PASSWORD when set, else
     * what {@code docker login} stored in Docker's config; null when there are none (anonymous).
     */
    AuthConfig authFor(String imageRef) {
        String registry = Registries.hostOf(imageRef).orElse(null);
        if (connections.registryUsername().isPresent()) {
            AuthConfig auth = new AuthConfig()
                    .withUsername(connections.registryUsername().get())
                    .withPassword(connections.registryPassword().orElseThrow().reveal());
            return registry == null ? auth : auth.withRegistryAddress(registry);
        }
        try {
            return made().config().effectiveAuthConfig(imageRef);
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public synchronized void close() throws IOException {
        if (made != null) {
            made.docker().close();
        }
    }
}
