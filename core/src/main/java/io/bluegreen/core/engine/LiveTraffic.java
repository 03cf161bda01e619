package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.TrafficRouter;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Never retire what serves traffic. The state is what the tool last decided; the production router and the engines'
 * labels are what runs. Before a transition removes replicas without first moving production away from them (an
 * abort, a deploy into preview, a replacement in the idle color), and again right before anything is removed, a
 * replica the state places outside production (idle, in preview, or not at all) that the router sends production
 * traffic to means the state is older than what serves: nothing is removed, and a person is asked to look.
 */
final class LiveTraffic {
    private LiveTraffic() {
    }

    /** Before {@code t} acts; only transitions that remove replicas while production stays where it is. */
    static void requireAgreement(Observed o, Transition t, TrafficRouter production, java.time.Instant now) {
        if (!t.retire().any() || t.route().moves()) {
            return; // a transition that moves production retires only after its flip, and the retire checks again
        }
        Set<String> kept = t.commit().apply(o.state(), t.color(), t.route().router(), t.kept(), List.of(), now).replicaIds();
        List<Replica> leaving = o.replicas().stream().filter(r -> !kept.contains(r.id())).toList();
        List<Replica> serving = serving(leaving, production);
        if (!serving.isEmpty()) {
            throw new UntrustedStateException(disagreement(o.state(), serving, production, "a " + t.kind().label()
                    + " of " + t.color().label()));
        }
    }

    /**
     * What {@code production} serves when it is not the active color's replicas, as the state says it should be (a
     * proxy restarted with an older route, a hand-edited file), or why it could not be asked; empty when they agree,
     * when nothing is active, and when no proxy carries the traffic.
     */
    static Optional<String> activeNotServed(ServiceState state, TrafficRouter production) {
        Optional<ColorState> active = state.activeColor().flatMap(state::color);
        if (active.isEmpty() || !production.carriesTraffic()) {
            return Optional.empty();
        }
        Set<Endpoint> live;
        try {
            live = production.liveEndpoints();
        } catch (RuntimeException e) {
            return Optional.of("could not read what " + production.describe() + " serves: " + e.getMessage());
        }
        Set<Endpoint> expected = active.get().endpoints().stream().map(Endpoint::parse).collect(Collectors.toSet());
        if (live.equals(expected)) {
            return Optional.empty();
        }
        return Optional.of(production.describe() + " serves " + (live.isEmpty() ? "nothing" : live.stream()
                .map(Endpoint::toString).sorted().collect(Collectors.joining(", "))) + ", not the active color "
                + state.active() + "'s " + String.join(", ", active.get().endpoints()) + " (a proxy restarted with an"
                + " older route? a canary step under way shows both)");
    }

    /** Those of {@code replicas} that {@code production} sends requests to now. */
    static List<Replica> serving(List<Replica> replicas, TrafficRouter production) {
        if (replicas.isEmpty()) {
            return List.of();
        }
        Set<Endpoint> live = production.liveEndpoints();
        return replicas.stream().filter(r -> r.endpoint() != null && live.contains(r.endpoint())).toList();
    }

    /** What disagrees, and what a person can do about it. */
    static String disagreement(ServiceState state, List<Replica> serving, TrafficRouter production, String what) {
        String service = state.service();
        StringBuilder b = new StringBuilder("bluegreen/" + service + "/state disagrees with what serves traffic: ");
        for (Replica r : serving) {
            String said = state.color(r.color()).filter(c -> c.replicaIds().contains(r.id()))
                    .map(c -> state.inPreview().filter(p -> p.previewColor() == r.color()).isPresent() ? "in preview"
                            : state.activeColor().filter(a -> a == r.color()).isPresent() ? "active" : "the idle standby")
                    .orElse("not named");
            b.append(r.id()).append(" (labelled ").append(r.color().label()).append(' ').append(r.version()).append(", ")
                    .append(r.endpoint()).append(") is ").append(said).append(" in the state, but ")
                    .append(production.describe()).append(" sends it production traffic; ");
        }
        return b.append("so ").append(what).append(" would remove what serves. Nothing was removed or changed. The state is"
                + " older than what runs (written back from a replay or a backup?): `bin/bluegreen status -s ").append(service)
                .append("` shows both; put the newest state back, or `consul kv delete bluegreen/").append(service)
                .append("/state` and deploy again (the next deploy flips first and only then retires)").toString();
    }
}
