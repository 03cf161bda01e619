package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.SingleUrlParameters;
import com.ecwid.consul.UrlParameters;
import com.ecwid.consul.transport.HttpResponse;
import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.ConsulRawClient;
import com.ecwid.consul.v1.OperationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.net.URI;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;

/** The Consul agent we talk to (consul-api), its ACL token, and the JSON mapper for our KV documents. */
public final class ConsulAgent {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private static final int NODE_CONNECT_MILLIS = 3_000;
    private static final int NODE_ANSWER_MILLIS = 10_000;
    private final URI address;
    private final String token;
    private final ConsulClient client;
    private final ConsulRawClient raw;

    public ConsulAgent(Connections connections) {
        this(connections.consul(), connections.consulToken().map(s -> s.reveal()).orElse(null), null);
    }

    private ConsulAgent(URI address, String token, HttpClient http) {
        this.address = address;
        this.token = token;
        String host = address.getScheme() + "://" + address.getHost();
        this.raw = http == null ? new ConsulRawClient(host, address.getPort()) : new ConsulRawClient(host, address.getPort(), http);
        this.client = new ConsulClient(raw);
    }

    /**
     * The agent of a node replicas run on, with this agent's token. Only registrations go there (never a blocking
     * query), so its requests are bounded tightly: a node that died must not hold up a retire or a heal.
     */
    ConsulAgent node(URI nodeAddress) {
        RequestConfig bounded = RequestConfig.custom().setConnectTimeout(NODE_CONNECT_MILLIS)
                .setConnectionRequestTimeout(NODE_CONNECT_MILLIS).setSocketTimeout(NODE_ANSWER_MILLIS).build();
        return new ConsulAgent(nodeAddress, token, HttpClientBuilder.create().setDefaultRequestConfig(bounded)
                .useSystemProperties().build());
    }

    ConsulClient client() {
        return client;
    }

    /** Null when no token is configured, as consul-api expects. */
    String token() {
        return token;
    }

    public URI address() {
        return address;
    }

    public void ping() {
        try {
            String leader = client.getStatusLeader().getValue();
            if (leader == null || leader.isBlank()) {
                throw new SystemUnreachableException("Consul", "the agent at " + address + " has no cluster leader", null);
            }
        } catch (ConsulException e) {
            throw failure(e);
        }
    }

    /** A PUT of {@code body} as JSON through consul-api's raw client, for fields its models lack. */
    void put(String endpoint, Object body) {
        UrlParameters[] params = token == null ? new UrlParameters[0]
                : new UrlParameters[] {new SingleUrlParameters("token", token)};
        try {
            HttpResponse r = raw.makePutRequest(endpoint, JSON.writeValueAsString(body), params);
            if (r.getStatusCode() != 200) {
                throw new OperationException(r);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ConsulException e) {
            throw failure(e);
        }
    }

    /** Consul answered with an error status (a refusal, not an outage), or did not answer at all. */
    RuntimeException failure(RuntimeException e) {
        if (e instanceof OperationException op) {
            return new IllegalStateException("Consul at " + address + " answered HTTP " + op.getStatusCode() + ": "
                    + String.valueOf(op.getStatusContent()).strip(), e);
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return new SystemUnreachableException("Consul", "no agent answers at " + address + " (" + t.getMessage() + ")", e);
    }
}
