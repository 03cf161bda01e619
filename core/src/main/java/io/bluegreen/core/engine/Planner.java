package io.bluegreen.core.engine;

import io.bluegreen.core.engine.Transition.Commit;
import io.bluegreen.core.engine.Transition.Control;
import io.bluegreen.core.engine.Transition.PreviewRoute;
import io.bluegreen.core.engine.Transition.Retire;
import io.bluegreen.core.engine.Transition.Route;
import io.bluegreen.core.engine.Transition.Start;
import io.bluegreen.core.spec.AnalysisSpec;
import io.bluegreen.core.spec.Durations;
import io.bluegreen.core.spec.HookSpec;
import io.bluegreen.core.spec.HooksSpec;
import io.bluegreen.core.spec.VerifySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;

/**
 * Pure functions from what was observed to the transition that gets there: the same input gives the same plan,
 * and nothing here reads or changes a system. A plan that cannot be made safely throws {@link RefusedException}
 * (nothing to do safely) or {@link PhaseFailure} (the state does not allow it), before anything is touched.
 */
public final class Planner {
    private Planner() {
    }

    /**
     * A release into the idle color (the first: blue), flipped once it passes its gate and its pre-promotion hooks,
     * the color it leaves kept warm; or, when its promotion waits (manual, or a bake time), left in preview.
     */
    public static Transition deploy(Observed o, Release r, OperationKind kind, String opId, Instant now) {
        requireReachable(o, r.target());
        ServiceState state = o.state();
        state.inPreview().ifPresent(p -> {
            throw new RefusedException("the " + p.color() + " color of " + o.service() + " is in preview (" + p.version()
                    + " since " + p.since() + "): " + CommandHint.of("promote -s " + o.service()) + " or "
                    + CommandHint.of("abort -s " + o.service()) + " first");
        });
        Color previous = state.activeColor().orElse(null);
        Color target = previous == null ? Color.BLUE : previous.other();
        ReplicaPlan plan = ReplicaPlan.whole(r.service(), target, r.version(), opId, r.image(), r.replicas(),
                r.containerPort(), r.hostAddress(), r.env(), r.recipe().networks()).withStop(r.recipe().stop().spec());
        ReleaseControl rc = r.control();
        ColorState colorState = new ColorState(r.version(), r.image(), r.digest(), opId, r.replicas(), List.of(), List.of(),
                now.toString(), null, r.recipe(), rc == ReleaseControl.NONE ? null : rc);
        boolean preview = rc.stopsInPreview() && kind == OperationKind.DEPLOY;
        HooksSpec hooks = preview ? new HooksSpec(rc.hooks().prePromotion(), List.of(), rc.hooks().onFailure()) : rc.hooks();
        Control control = new Control(PreviewRoute.routing(r.previewRouter()), hooks,
                preview || previous == null ? List.of() : rc.promotion().steps(), rc.previewUrl(),
                r.verify().analysis().orElse(null));
        Transition.Builder t = Transition.of(kind, opId, r.service()).colors(target, previous)
                .release(r.version(), r.image(), r.digest()).start(Start.replicas(plan, r.health()))
                .retire(Retire.unlisted(r.drain())).control(control);
        if (preview) {
            String after = rc.promotion().after();
            Transition.PreviewPlan p = new Transition.PreviewPlan(new PreviewState(target.label(), r.version(), null, null,
                    null, r.previewRouter(), r.router(), Durations.format(r.keep()), Durations.format(r.drain()),
                    rc.previewUrl()), rc.promotion().timeoutDuration(),
                    after == null ? null : Durations.parse(after).orElseThrow());
            String why = "target color " + target.label() + ", into preview" + (previous == null ? ""
                    : "; " + previous.label() + " keeps production") + (after == null ? " until promoted"
                    : " (promoted after " + after + " unless aborted)");
            return t.route(Route.unchanged(r.router(), List.of()))
                    .commit(Commit.intoPreview(colorState, r.keep(), r.drain(), r.target(), p)).because(why);
        }
        String why = "target color " + target.label() + (previous == null ? " (first deploy)"
                : ", " + previous.label() + " stays active until the flip")
                + (control.steps().isEmpty() ? "" : ", in " + control.steps().size() + " canary step(s)");
        return t.route(Route.production(r.router(), List.of()))
                .commit(Commit.taking(colorState, r.keep(), r.drain(), r.target())).verify(r.verify()).because(why);
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

    /** Refused when the state is no longer the one a person decided on (its KV modify index moved). */
    public static void requireUnchanged(Observed o, long seenIndex) {
        long now = o.versionedState().index();
        if (now != seenIndex) {
            ServiceState state = o.state();
            String where = state.activeColor().map(c -> c.label() + state.color(c).map(cs -> " (" + cs.version() + ")")
                    .orElse("")).orElse("no color");
            throw new RefusedException("already moved on: production of " + o.service() + " is on " + where
                    + " now, and its state changed since you looked (index " + seenIndex + ", now " + now + "): nothing was"
                    + " done; " + CommandHint.of("status -s " + o.service()) + " before rolling back again");
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
        if (state.inPreview().map(p -> p.previewColor() == standby).orElse(false)) {
            throw new RefusedException("the " + standby.label() + " color of " + service + " is in preview (" + s.version()
                    + "), not a warm standby: production is still on " + active.label() + "; "
                    + CommandHint.of("abort -s " + service) + " drops the preview");
        }
        List<Transition.Kept> kept = serving(o, s, "the " + standby.label() + " standby", "send traffic to it");
        // Nothing is retired: the color it leaves is the new standby.
        return Transition.of(kind, opId, service).colors(standby, active).release(s.version(), s.image(), s.digest())
                .route(Route.production(state.router(), kept))
                .commit(Commit.taking(s.withStandbyUntil(null), state.keep(), state.drainTimeout(), state.runsOn()))
                .because("back to " + standby.label() + " (" + s.version() + ")");
    }

    /** The color in preview takes production traffic (through its canary steps), verified with its post-promotion hooks. */
    public static Transition promote(Observed o, String opId, String why) {
        ServiceState state = o.state();
        PreviewState p = preview(o);
        Color color = p.previewColor();
        ColorState s = state.color(color).orElseThrow(() -> new PhaseFailure("the state names " + color.label()
                + " in preview but has no " + color.label() + " color"));
        List<Transition.Kept> kept = serving(o, s, "the " + color.label() + " preview", "promote it");
        ReleaseControl rc = Optional.ofNullable(s.control()).orElse(ReleaseControl.NONE);
        requireSignedCommands(o, rc.hooks());
        Duration window = Optional.ofNullable(s.recipe()).flatMap(r -> Durations.parse(r.verify().window()))
                .orElse(Duration.ZERO);
        Optional<AnalysisSpec> analysis = rc.analysisSpec();
        VerifySpec verify = new VerifySpec(window, rc.verifyUri(), Optional.ofNullable(rc.maxFlipFailures()), analysis);
        Duration keep = Durations.parse(p.keep()).orElse(state.keep());
        Duration drain = Durations.parse(p.drain()).orElse(state.drainTimeout());
        // A first release has no production traffic to share with: its canary steps are skipped, not failed.
        // The preview route is cleared: once promoted, the color is production's, and the route waits for the next preview.
        Control control = new Control(PreviewRoute.clearing(p.router()), new HooksSpec(List.of(), rc.hooks().postPromotion(),
                rc.hooks().onFailure()), state.activeColor().isEmpty() ? List.of() : rc.promotion().steps(), p.url(),
                analysis.orElse(null));
        return Transition.of(OperationKind.PROMOTE, opId, o.service()).colors(color, state.activeColor().orElse(null))
                .release(s.version(), s.image(), s.digest()).route(Route.production(p.production(), kept))
                .commit(Commit.taking(s, keep, drain, state.runsOn())).verify(verify).retire(Retire.unlisted(drain))
                .control(control).because(why + color.label() + " (" + s.version() + ") takes production traffic"
                        + (control.steps().isEmpty() ? "" : " in " + control.steps().size() + " canary step(s)"));
    }

    /**
     * Hooks that run commands are taken from a state only when it is signed: whoever can write an unsigned one could
     * otherwise run anything on this machine. The spec's own hooks (a deploy's) are the person's and always run.
     */
    private static void requireSignedCommands(Observed o, HooksSpec hooks) {
        if (o.signing() == Signing.SIGNED) {
            return;
        }
        List<String> commands = java.util.stream.Stream.of(hooks.prePromotion(), hooks.postPromotion(), hooks.onFailure())
                .flatMap(List::stream).filter(h -> !h.isHttp()).map(HookSpec::describe).toList();
        if (!commands.isEmpty()) {
            throw new UntrustedStateException("bluegreen/" + o.service() + "/state is not signed, and its release runs"
                    + " commands (" + String.join(", ", commands) + "): a command is run from a signed state only. Nothing"
                    + " was done. Set BLUEGREEN_STATE_KEY (docs/spec.md, \"The saved state\"), check the state with `consul"
                    + " kv get bluegreen/" + o.service() + "/state`, then `bin/bluegreen state trust -s " + o.service()
                    + "` signs it");
        }
    }

    /**
     * The color in preview is dropped and retired; production is not touched. The release's onFailure hooks hear of it
     * (outcome aborted): its HTTP notifications always, its commands only from a signed state, since an abort must
     * never be refused (it only takes a color out of the way).
     */
    public static Transition abort(Observed o, String opId, String why) {
        ServiceState state = o.state();
        PreviewState p = preview(o);
        Color color = p.previewColor();
        ColorState s = state.color(color).orElse(null);
        List<HookSpec> notify = Optional.ofNullable(s).map(ColorState::control).map(c -> c.hooks().onFailure())
                .orElse(List.of()).stream().filter(h -> h.isHttp() || o.signing() == Signing.SIGNED).toList();
        Control control = new Control(PreviewRoute.clearing(p.router()), new HooksSpec(List.of(), List.of(), notify),
                List.of(), p.url(), null);
        Duration drain = Durations.parse(p.drain()).orElse(state.drainTimeout());
        return Transition.of(OperationKind.ABORT, opId, o.service()).colors(color, state.activeColor().orElse(null))
                .release(p.version(), s == null ? null : s.image(), s == null ? null : s.digest())
                .route(Route.unchanged(p.production(), List.of()))
                .commit(Commit.dropping(state.keep(), drain, state.runsOn())).retire(Retire.unlisted(drain))
                .control(control).because(why + "dropping the " + color.label() + " preview (" + p.version() + ")"
                        + state.activeColor().map(a -> "; production stays on " + a.label()).orElse(""));
    }

    private static PreviewState preview(Observed o) {
        return o.state().inPreview().orElseThrow(() -> new RefusedException("nothing is in preview: " + o.service()
                + " has no color waiting for its promotion" + o.state().activeColor().map(a -> " (production is on "
                + a.label() + ")").orElse("")));
    }

    /** The replicas of {@code s}, each registered, running and passing, or refused naming those that are not. */
    private static List<Transition.Kept> serving(Observed o, ColorState s, String what, String action) {
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
            throw new RefusedException(what + " is not fully healthy, refusing to " + action + ": "
                    + (notPassing.isEmpty() ? "it has no replicas" : String.join("; ", notPassing)));
        }
        return kept;
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
            // New names go on from the deploy's highest replica number, dead ones included (their containers still exist),
            // and those only Consul still names: an engine that is down (a dead node) hides its containers.
            String prefix = service + "-" + color.label() + "-" + cs.deployId() + "-";
            int last = IntStream.concat(o.replicas().stream().filter(r -> cs.deployId().equals(r.deployId())).mapToInt(Replica::index),
                    o.instances().stream().map(Instance::id).filter(id -> id.startsWith(prefix) && id.substring(prefix.length())
                            .matches("[0-9]{1,9}")).mapToInt(id -> Integer.parseInt(id.substring(prefix.length()))))
                    .max().orElse(cs.replicas());
            List<Integer> indexes = new ArrayList<>();
            for (int i = 1; i <= stillFailed.size(); i++) {
                indexes.add(Math.max(last, cs.replicaIds().size()) + i);
            }
            plan = new ReplicaPlan(service, color, cs.version(), cs.deployId(), opId, cs.image(), indexes,
                    recipe.containerPort(), recipe.hostAddress(), env, recipe.networks(), recipe.stop().spec());
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
                    recipe.hostAddress(), env, recipe.networks()).withStop(recipe.stop().spec());
            colorState = cs.renewed(opId, List.of(), List.of());
            kind = OperationKind.RENEW;
        }
        String why = (kind == OperationKind.RENEW ? "renewing " + color.label() + " as deploy " + opId
                + " (the cluster starts no single replica): " : "replacing ") + String.join(", ", stillFailed);
        // An active color's router gets the survivors and the new replicas; an idle color's is not touched.
        return Optional.of(Transition.of(kind, opId, service).colors(color, state.activeColor().orElse(null))
                .release(cs.version(), cs.image(), cs.digest()).start(Start.replicas(plan, recipe.health()))
                .route(active ? Route.production(state.router(), kept) : Route.unchanged(state.router(), kept))
                .commit(Commit.recording(colorState, state.keep(), state.drainTimeout(), state.runsOn()))
                .retire(Retire.unlisted(state.drainTimeout())).because(why));
    }
}
