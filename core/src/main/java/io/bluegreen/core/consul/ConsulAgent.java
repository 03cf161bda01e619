package io.bluegreen.core.consul;

import com.ecwid.consul.ConsulException;
import com.ecwid.consul.SingleUrlParameters;
import com.ecwid.consul.UrlParameters;

import com.ecwid.consul.v1.ConsulClient;
import com.ecwid.consul.v1.ConsulRawClient;
import com.ecwid.consul.v1.OperationException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.apache.http.HttpResponse;
import org.apache.http.client.ServiceUnavailableRetryStrategy;
import org.apache.http.entity.BufferedHttpEntity;
import org.apache.http.protocol.HttpContext;
import org.apache.http.util.EntityUtils;
import org.apache.http.client.HttpClient;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.impl.client.HttpClientBuilder;

/** The Consul agent we talk to (consul-api), its ACL token, and the JSON mapper for our KV documents. */
public final class ConsulAgent {
    static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** consul-api's own defaults: blocking queries wait up to minutes. */
    private static final int CONNECT_MILLIS = 10_000;
    private static final int ANSWER_MILLIS = 600_000;
    private static final int MAX_CONNECTIONS = 500;
    private static final int ELECTION_RETRIES = 30;
    private static final int NODE_CONNECT_MILLIS = 3_000;
    private static final int NODE_ANSWER_MILLIS = 10_000;
    private final URI address;
    private final String token;
    private final ConsulClient client;
    private final ConsulRawClient raw;

    public ConsulAgent(Connections connections) {
        this(connections.consul(), connections.consulToken().map(s -> s.reveal()).orElse(null), CONNECT_MILLIS, ANSWER_MILLIS);
    }

    private ConsulAgent(URI address, String token, int connectMillis, int answerMillis) {
        this.address = address;
        this.token = token;
        String host = address.getScheme() + "://" + address.getHost();
        RequestConfig bounded = RequestConfig.custom().setConnectTimeout(connectMillis)
                .setConnectionRequestTimeout(connectMillis).setSocketTimeout(answerMillis).build();
        HttpClient http = HttpClientBuilder.create().setDefaultRequestConfig(bounded).setMaxConnTotal(MAX_CONNECTIONS)
                .setMaxConnPerRoute(MAX_CONNECTIONS).setServiceUnavailableRetryStrategy(new LeaderElection())
                .build();
        this.raw = new ConsulRawClient(host, address.getPort(), http);
        this.client = new ConsulClient(raw);
    }

    /**
     * The agent of a node replicas run on, with this agent's token. Only registrations go there (never a blocking
     * query), so its requests are bounded tightly: a node that died must not hold up a retire or a heal.
     */
    ConsulAgent node(URI nodeAddress) {
        return new ConsulAgent(nodeAddress, token, NODE_CONNECT_MILLIS, NODE_ANSWER_MILLIS);
    }

    /**
     * While the Consul servers elect a new leader (the leader died: a few seconds), every read and write that needs one
     * is answered 500 ("No cluster leader", or an RPC error while the agent still dials the dead server). Those are
     * sent again, every 0.5 s for at most {@value #ELECTION_RETRIES} times, so an operation in its gate, its commit or
     * its undo rides out the election instead of failing on it; any other 500 is returned at once.
     */
    private static final class LeaderElection implements ServiceUnavailableRetryStrategy {
        private static final Pattern NO_LEADER = Pattern.compile("No cluster leader|rpc error|leadership lost");

        @Override
        public boolean retryRequest(HttpResponse response, int executionCount, HttpContext context) {
            if (response.getStatusLine().getStatusCode() != 500 || executionCount > ELECTION_RETRIES
                    || response.getEntity() == null) {
                return false;
            }
            try {
                BufferedHttpEntity body = new BufferedHttpEntity(response.getEntity());
                response.setEntity(body);
                return NO_LEADER.matcher(EntityUtils.toString(body, StandardCharsets.UTF_8)).find();
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public long getRetryInterval() {
            return 500;
        }
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
            com.ecwid.consul.transport.HttpResponse r = raw.makePutRequest(endpoint, JSON.writeValueAsString(body), params);
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
