package io.bluegreen.core.engine;

import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.engine.fake.World;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One failure at one step of a transition: how to arm it, the phase and words the failure must report, and how the
 * runner's process dies at the same point instead (none where another row already dies there).
 */
enum Injection {
    PULL(Phase.PULL, "nothing was changed", w -> w.faults.fail(Step.PULL), w -> w.faults.kill(Step.PULL)),
    START(Phase.DEPLOY, "injected failure at START", w -> w.faults.fail(Step.START), w -> w.faults.kill(Step.START)),
    REGISTER(Phase.DEPLOY, "injected failure at REGISTER", w -> w.faults.fail(Step.REGISTER),
            w -> w.faults.kill(Step.REGISTER)),
    GATE_NEVER_PASSES(Phase.GATE, "replicas passed", w -> w.faults.fail(Step.GATE), w -> w.dieDuring("gate")),
    /** A started replica crashes while the gate waits: seen at once, not at the deadline. */
    EXIT_IN_GATE(Phase.GATE, "exited", w -> w.crashDuring("gate"), null),
    /** The proxy switched, then failed to confirm. */
    ROUTE(Phase.FLIP, "injected failure at ROUTE", w -> w.faults.fail(Step.ROUTE), w -> w.faults.kill(Step.ROUTE)),
    WRITE_STATE(Phase.FLIP, "injected failure at WRITE_STATE", w -> w.faults.fail(Step.WRITE_STATE),
            w -> w.faults.kill(Step.WRITE_STATE)),
    CAS_CONFLICT(Phase.FLIP, "check-and-set failed", w -> w.faults.fail(Step.CAS_CONFLICT), null),
    /** The state was written but the answer lost; once only, so the undo's own write gets through. */
    WRITE_LOST(Phase.FLIP, "injected failure at WRITE_LOST", w -> w.faults.failOnce(Step.WRITE_LOST),
            w -> w.faults.kill(Step.WRITE_LOST)),
    /** A started replica crashes in the verify window, after the commit. */
    VERIFY(Phase.VERIFY, "stopped passing", w -> w.crashDuring("verify"), w -> w.dieDuring("verify"));

    final Phase phase;
    final String says;
    private final Consumer<World> arm;
    private final Consumer<World> kill;

    Injection(Phase phase, String says, Consumer<World> arm, Consumer<World> kill) {
        this.phase = phase;
        this.says = says;
        this.arm = arm;
        this.kill = kill;
    }

    void arm(World w) {
        arm.accept(w);
    }

    /** Arms the runner's death at this step instead of a failure, if this row has its own point to die at. */
    Optional<Consumer<World>> death() {
        return Optional.ofNullable(kill);
    }

    /** Only a gate that never passes waits for its deadline; every other failure must be seen long before 30 s. */
    String gateDeadline() {
        return this == GATE_NEVER_PASSES ? "1s" : "30s";
    }
}
