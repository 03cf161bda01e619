package io.bluegreen.core.engine;

import io.bluegreen.core.spec.VerifySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Pure functions from what was observed to the transition that gets there: the same input gives the same plan,
 * and nothing here reads or changes a system. A plan that cannot be made safely throws {@link RefusedException}
 * (nothing to do safely) or {@link PhaseFailure} (the state does not allow it), before anything is touched.
 */
public final class Planner {
    private static final VerifySpec NO_VERIFY = new VerifySpec(Duration.ZERO, Optional.empty(), Optional.empty());

    private Planner() {
    }

    /** A release into the idle color (the first: blue), flipped once it passes its gate, the color it leaves kept warm. */
    public static Transition deploy(Observed o, Release r, OperationKind kind, String opId, Instant now) {
        requireReachable(o, r.target());
        ServiceState state = o.state();
        Color previous = state.activeColor().orElse(null);
        Color target = previous == null ? Color.BLUE : previous.other();
        ReplicaPlan plan = ReplicaPlan.whole(r.service(), target, r.version(), opId, r.image(), r.replicas(),
                r.containerPort(), r.hostAddress(), r.env(), r.recipe().networks());
        ColorState colorState = new ColorState(r.version(), r.image(), r.digest(), opId, r.replicas(), List.of(), List.of(),
                now.toString(), null, r.recipe());
        String why = "target color " + target.label() + (previous == null ? " (first deploy)"
                : ", " + previous.label() + " stays active until the flip");
        return new Transition(kind, opId, r.service(), target, previous, r.version(), r.image(), r.digest(),
                Optional.of(plan), r.health(), List.of(), true,
                new Transition.Commit(colorState, true, r.keep(), r.drain(), r.target()), r.verify(), true, r.drain(),
                r.router(), why);
    }

    /** A deploy does not move a service between targets: refused when its colors run where {@code target} does not reach. */
    public static void requireReachable(Observed o, io.bluegreen.core.spec.TargetSpec target) {
        ServiceState state = o.state();
        if (state.colors() != null && !state.colors().isEmpty() && !target.reaches(state.runsOn())) {
            throw new PhaseFailure("target: is " + target.describe() + ", but " + String.join(" and ",
                    state.colors().keySet()) + " of " + o.service() + " run on " + state.runsOn().describe()
                    + ", which it does not reach; a deploy does not move a service between targets: deploy to "
                    + state.runsOn().describe() + " (engines may be added to the list), or remove the service there first");
        }
    }

    /** The flip back to the warm standby; refused unless every standby replica is registered, running and passing. */
    public static Transition rollback(Observed o, OperationKind kind, String opId) {
        ServiceState state = o.state();
        String service = o.service();
        Color active = state.activeColor().orElseThrow(() ->
                new RefusedException(service + " has no active color: nothing was ever deployed"));
        Color standby = active.other();
        ColorState s = state.color(standby).orElseThrow(() -> new RefusedException(
                "no warm standby: the " + standby.label() + " color of " + service + " was retired"));
        List<String> notPassing = new ArrayList<>();
        List<Transition.Kept> kept = new ArrayList<>();
        int missing = 0;
        for (String id : s.replicaIds()) {
            Optional<Instance> i = o.instance(id);
            if (i.isEmpty()) {
                missing++;
            } else if (o.serving(id)) {
                kept.add(new Transition.Kept(id, i.get().endpoint()));
            } else {
                notPassing.add(id + (i.get().passing() ? " is not running" : " is " + i.get().health().name().toLowerCase()));
            }
        }
        if (missing > 0) {
            notPassing.add(missing + " replica(s) no longer registered");
        }
        if (!notPassing.isEmpty() || kept.isEmpty()) {
            throw new RefusedException("the " + standby.label() + " standby is not fully healthy, refusing to send traffic to it: "
                    + (notPassing.isEmpty() ? "it has no replicas" : String.join("; ", notPassing)));
        }
        return new Transition(kind, opId, service, standby, active, s.version(), s.image(), s.digest(), Optional.empty(),
                null, kept, true, new Transition.Commit(s.withStandbyUntil(null), true, state.keep(), state.drainTimeout(),
                state.runsOn()), NO_VERIFY, false, state.drainTimeout(), state.router(),
                "back to " + standby.label() + " (" + s.version() + ")");
    }

    /** Those of {@code failedIds} that the state still names in {@code color} and that still failed when observed. */
    public static List<String> stillFailed(Observed o, Color color, List<String> failedIds) {
        return stillDue(o, color, failedIds, o::failed);
    }

    /** Those of {@code ids} that the state still names in {@code color} and that {@code due} still holds for. */
    public static List<String> stillDue(Observed o, Color color, List<String> ids, Predicate<String> due) {
        List<String> named = o.state().color(color).map(ColorState::replicaIds).orElse(List.of());
        return ids.stream().filter(named::contains).filter(due).sorted().toList();
    }

    /**
     * New replicas for the failed ones of {@code color} (those that still failed when observed), started from
     * {@code env} and the recorded recipe, gated, routed if the color is active, then committed; the failed ones are
     * retired after. Where the cluster cannot start part of a deploy, the whole color is renewed as a new deploy of
     * the same version. Empty when nothing has failed any more.
     */
    public static Optional<Transition> replace(Observed o, Color color, List<String> failedIds, Map<String, String> env,
                                               String opId) {
        return replace(o, color, failedIds, env, opId, o::failed);
    }

    /**
     * The same for replicas that {@code due} says still need replacing, failed or not: a heal's trend rule replaces a
     * replica that still passes its check but degrades against its siblings ({@code due}: still registered).
     */
    public static Optional<Transition> replace(Observed o, Color color, List<String> failedIds, Map<String, String> env,
                                               String opId, Predicate<String> due) {
        ServiceState state = o.state();
        String service = o.service();
        ColorState cs = state.color(color).orElseThrow(() ->
                new PhaseFailure(service + " has no " + color.label() + " color any more"));
        List<String> stillFailed = stillDue(o, color, failedIds, due);
        if (stillFailed.isEmpty()) {
            return Optional.empty();
        }
        Recipe recipe = Optional.ofNullable(cs.recipe()).orElseThrow(() ->
                new PhaseFailure("the state of " + color.label() + " has no recipe (deployed by an older version)"));
        boolean active = state.activeColor().map(a -> a == color).orElse(false);
        ReplicaPlan plan;
        List<Transition.Kept> kept = new ArrayList<>();
        ColorState colorState;
        OperationKind kind;
        if (o.startsPartOfADeploy()) {
            // New names go on from the deploy's highest replica number, dead ones included (their containers still exist).
            int last = o.replicas().stream().filter(r -> cs.deployId().equals(r.deployId())).mapToInt(Replica::index)
                    .max().orElse(cs.replicas());
            List<Integer> indexes = new ArrayList<>();
            for (int i = 1; i <= stillFailed.size(); i++) {
                indexes.add(Math.max(last, cs.replicaIds().size()) + i);
            }
            plan = new ReplicaPlan(service, color, cs.version(), cs.deployId(), opId, cs.image(), indexes,
                    recipe.containerPort(), recipe.hostAddress(), env, recipe.networks());
            for (int i = 0; i < cs.replicaIds().size(); i++) {
                String id = cs.replicaIds().get(i);
                if (!stillFailed.contains(id)) {
                    String recorded = cs.endpoints().get(i);
                    kept.add(new Transition.Kept(id, o.instance(id).map(Instance::endpoint).orElseGet(() -> Endpoint.parse(recorded))));
                }
            }
            colorState = cs;
            kind = OperationKind.REPLACE;
        } else {
            plan = ReplicaPlan.whole(service, color, cs.version(), opId, cs.image(), cs.replicas(), recipe.containerPort(),
                    recipe.hostAddress(), env, recipe.networks());
            colorState = cs.renewed(opId, List.of(), List.of());
            kind = OperationKind.RENEW;
        }
        String why = (kind == OperationKind.RENEW ? "renewing " + color.label() + " as deploy " + opId
                + " (the cluster starts no single replica): " : "replacing ") + String.join(", ", stillFailed);
        return Optional.of(new Transition(kind, opId, service, color, state.activeColor().orElse(null), cs.version(),
                cs.image(), cs.digest(), Optional.of(plan), recipe.health(), kept, active,
                new Transition.Commit(colorState, false, state.keep(), state.drainTimeout(), state.runsOn()), NO_VERIFY,
                true, state.drainTimeout(), active ? state.router() : RouterState.NONE, why));
    }
}
