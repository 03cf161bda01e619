package io.bluegreen.core.engine;

import static io.bluegreen.core.engine.Color.BLUE;
import static io.bluegreen.core.engine.Color.GREEN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.fake.Faults.InjectedFailure;
import io.bluegreen.core.engine.fake.Faults.Killed;
import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.engine.fake.World.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.Test;
import org.junit.experimental.runners.Enclosed;
import org.junit.function.ThrowingRunnable;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * The transition runner through each façade, on fakes of its ports: every kind of transition either ends in its
 * planned world or, failing at any step, in the world it started from.
 */
@RunWith(Enclosed.class)
public class TransitionRunnerTest {
    /** Nothing here waits for more than a gate deadline of 1 s; 5 s leaves room for a slow machine. */
    private static final long QUICK_MS = 5_000;

    /** Runs {@code body}, expecting {@code type}; fails if it took longer than {@link #QUICK_MS}. */
    private static <T extends Throwable> T quickly(Class<T> type, Fixture f, ThrowingRunnable body) {
        long t0 = System.nanoTime();
        T e = assertThrows(type, body);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue("took " + ms + " ms" + f.log(), ms < QUICK_MS);
        return e;
    }

    /**
     * Each kind failing at each of its steps in turn: the documented exception names the phase, and containers,
     * registrations, routing and state are as before, the journal gone. The exit row also shows a crashed replica
     * fails the gate at once: its deadline there is 30 s, the run must end within {@link #QUICK_MS}.
     */
    @RunWith(Parameterized.class)
    public static class FailingStep {
        @Parameters(name = "{0} failing at {1}")
        public static List<Object[]> rows() {
            List<Object[]> rows = new ArrayList<>();
            for (Operation op : Operation.values()) {
                op.steps.forEach(step -> rows.add(new Object[] {op, step}));
            }
            return rows;
        }

        @Parameter(0)
        public Operation op;
        @Parameter(1)
        public Injection at;

        @Test
        public void leavesTheWorldAsItWas() {
            Fixture f = op.fixture(at.gateDeadline());
            op.setUp(f);
            Snapshot before = f.world.snapshot();
            at.arm(f.world);

            DeployFailedException e = quickly(DeployFailedException.class, f, () -> op.run(f, Cancellation.NEVER));

            assertEquals(e.getMessage() + f.log(), at.phase, e.phase());
            assertTrue(e.getMessage(), e.getMessage().contains(at.says));
            assertEquals(f.log(), before, f.world.snapshot());
            assertEquals(at == Injection.PULL || !op.release ? "failed" : "rolled-back", f.lastRecord().outcome());
            f.assertLockFree();
        }
    }

    /**
     * Each kind's runner dying at each of its steps (an Error: no undo runs, the lock dies with it): a repair puts
     * back the world from before. Before its first acting step nothing is journalled, so nothing needs repair.
     */
    @RunWith(Parameterized.class)
    public static class DyingStep {
        @Parameters(name = "{0} dying at {1}")
        public static List<Object[]> rows() {
            List<Object[]> rows = new ArrayList<>();
            for (Operation op : Operation.values()) {
                op.steps.stream().filter(step -> step.death().isPresent()).forEach(step -> rows.add(new Object[] {op, step}));
            }
            return rows;
        }

        @Parameter(0)
        public Operation op;
        @Parameter(1)
        public Injection at;

        @Test
        public void isRepairedToTheWorldBefore() {
            Fixture f = op.fixture("30s");
            op.setUp(f);
            Snapshot before = f.world.snapshot();
            at.death().orElseThrow().accept(f.world);

            assertThrows(Killed.class, () -> op.run(f, Cancellation.NEVER));

            assertEquals("journalled before it acted", at != Injection.PULL, f.world.snapshot().journal());
            assertEquals(at != Injection.PULL, f.repair().isPresent());
            assertEquals(f.log(), before, f.world.snapshot());
        }
    }

    /** Runs its tests once per transition kind (Enclosed skips the abstract class itself). */
    public abstract static class EachKind {
        @Parameters(name = "{0}")
        public static Operation[] kinds() {
            return Operation.values();
        }

        @Parameter
        public Operation op;
    }

    /** Each kind without a failure ends in its planned world. */
    @RunWith(Parameterized.class)
    public static class Succeeding extends EachKind {
        @Test
        public void endsInThePlannedWorld() {
            Fixture f = op.fixture("30s");
            op.setUp(f);
            Snapshot before = f.world.snapshot();

            op.run(f, Cancellation.NEVER);

            Snapshot after = f.world.snapshot();
            Operation.assertCommitted(f, after);
            op.assertPlanned(f, before, after);
            assertEquals("succeeded", f.lastRecord().outcome());
            f.assertLockFree();
        }
    }

    /**
     * The undo itself failing (after the state write failed) is {@link RollbackFailedException}: the journal stays, and a
     * repair, once the system works again, puts back the world from before.
     */
    @RunWith(Parameterized.class)
    public static class FailingUndo extends EachKind {
        @Test
        public void keepsTheJournalForARepair() {
            Fixture f = op.fixture("30s");
            op.setUp(f);
            Snapshot before = f.world.snapshot();
            Injection.WRITE_STATE.arm(f.world);
            f.world.faults.fail(op.undoStep);

            RollbackFailedException e = quickly(RollbackFailedException.class, f, () -> op.run(f, Cancellation.NEVER));

            assertTrue(e.getMessage(), e.getMessage().contains("a human must look"));
            assertTrue("the journal is kept", f.world.snapshot().journal());
            assertEquals("rollback-failed", f.lastRecord().outcome());
            f.assertLockFree();

            f.world.faults.clear();
            assertTrue(f.repair().isPresent());
            assertEquals(f.log(), before, f.world.snapshot());
            assertEquals("repaired", f.lastRecord().outcome());
        }
    }

    /** A heal's transition cancelled for a more urgent one while it waits on Consul: undone, recorded "preempted". */
    @RunWith(Parameterized.class)
    public static class Preempted {
        @Parameters(name = "{0} in the {1}")
        public static List<Object[]> rows() {
            return List.of(new Object[] {Operation.REPLACE, "gate"}, new Object[] {Operation.RENEW, "gate"},
                    new Object[] {Operation.REDEPLOY, "gate"}, new Object[] {Operation.REDEPLOY, "verify"});
        }

        @Parameter(0)
        public Operation op;
        @Parameter(1)
        public String phase;

        @Test
        public void isUndoneAndRecordedAsPreempted() {
            Fixture f = op.fixture("30s");
            op.setUp(f);
            Snapshot before = f.world.snapshot();
            Cancellation cancel = new Cancellation();
            if (phase.equals("gate")) {
                f.world.faults.fail(Step.GATE); // the gate keeps waiting until the cancellation
            }
            f.world.whileWaitingIn(phase, () -> cancel.cancel("fail-back of vote"));

            DeployFailedException e = quickly(DeployFailedException.class, f, () -> op.run(f, cancel));

            assertEquals(phase, e.phase().label());
            assertTrue(e.getCause() instanceof Cancellation.PreemptedException);
            assertEquals(f.log(), before, f.world.snapshot());
            assertEquals("preempted", f.lastRecord().outcome());
            f.assertLockFree();
        }
    }

    /** Refusals, and what a dead runner leaves behind. */
    public static class Scenarios {
        @Test
        public void aRollbackToAStandbyThatIsNotPassingIsRefusedAndChangesNothing() {
            Fixture f = Operation.ROLLBACK.fixture("30s");
            Operation.ROLLBACK.setUp(f);
            f.world.failReplica(f.color(BLUE).replicaIds().get(1));
            Snapshot before = f.world.snapshot();

            RefusedException e = assertThrows(RefusedException.class, () -> f.rollback(Cancellation.NEVER));

            assertTrue(e.getMessage(), e.getMessage().contains("not fully healthy"));
            assertEquals(before, f.world.snapshot());
            f.assertLockFree();
        }

        @Test
        public void aRollbackWithoutAStandbyIsRefused() {
            Fixture f = Operation.DEPLOY.fixture("30s");
            f.deploy("v1");
            Snapshot before = f.world.snapshot();

            assertThrows(RefusedException.class, () -> f.rollback(Cancellation.NEVER));

            assertEquals(before, f.world.snapshot());
        }

        /** The runner dies while its gate waits: its journal says "gate" and its replicas run; a repair undoes it. */
        @Test
        public void aRepairUndoesWhatARunnerThatDiedInTheGateLeft() {
            Fixture f = Operation.DEPLOY.fixture("30s");
            Operation.DEPLOY.setUp(f);
            Snapshot before = f.world.snapshot();
            f.world.dieDuring("gate");

            assertThrows(Killed.class, () -> Operation.DEPLOY.run(f, Cancellation.NEVER));

            Journal left = f.world.store.readJournal(Fixture.SERVICE).orElseThrow();
            assertEquals("gate", left.phase());
            assertEquals("its two replicas still run", before.containers().size() + 2,
                    f.world.snapshot().containers().size());
            Optional<String> repaired = f.repair();
            assertTrue(repaired.orElse(""), repaired.orElse("").contains("interrupted in phase gate"));
            assertEquals(f.log(), before, f.world.snapshot());
            assertFalse("nothing left to repair", f.repair().isPresent());
        }

        /** The runner dies after its commit, while retiring: a repair finishes the retiring instead of undoing. */
        @Test
        public void aRepairFinishesWhatARunnerThatDiedWhileRetiringLeft() {
            Fixture f = Operation.REPLACE.fixture("30s");
            Operation.REPLACE.setUp(f);
            Snapshot before = f.world.snapshot();
            f.world.faults.kill(Step.REMOVE); // the first removal is the failed replica's, in retire

            assertThrows(Killed.class, () -> Operation.REPLACE.run(f, Cancellation.NEVER));

            assertEquals("retire", f.world.store.readJournal(Fixture.SERVICE).orElseThrow().phase());
            assertTrue(f.repair().isPresent());
            Snapshot after = f.world.snapshot();
            Operation.assertCommitted(f, after);
            Operation.REPLACE.assertPlanned(f, before, after);
        }

        /** The runner dies in its own undo (removing what it started): the journal stays, and a repair converges. */
        @Test
        public void aRepairFinishesTheUndoOfARunnerThatDiedUndoing() {
            Fixture f = Operation.DEPLOY.fixture("30s");
            Operation.DEPLOY.setUp(f);
            Snapshot before = f.world.snapshot();
            Injection.EXIT_IN_GATE.arm(f.world);
            f.world.faults.kill(Step.REMOVE);

            assertThrows(Killed.class, () -> Operation.DEPLOY.run(f, Cancellation.NEVER));

            assertTrue(f.world.snapshot().journal());
            assertTrue(f.repair().isPresent());
            assertEquals(f.log(), before, f.world.snapshot());
        }

        /**
         * Once a deploy has committed and verified, nothing may undo it. Here the journal write that starts its retire
         * fails (a KV blip): the deploy reports its success with a warning (traffic and state had moved to v2), and
         * the repair that the next operation runs first must find it committed, not put the previous color back.
         */
        @Test
        public void aDeployThatCommittedIsNotUndoneWhenItsRetireJournalCannotBeWritten() {
            Fixture f = Operation.DEPLOY.fixture("30s");
            Operation.DEPLOY.setUp(f);
            f.world.faults.onFirst(Step.JOURNAL, () -> f.world.journalAt("verify"), () -> {
                throw new InjectedFailure(Step.JOURNAL);
            });
            DeployResult r = f.deploy("v2");
            assertEquals(f.log(), "green", r.color());
            assertEquals(f.log(), "v2", r.version());
            assertTrue(f.log(), f.events.stream().anyMatch(e -> "warning".equals(e.type())
                    && e.message().startsWith("the journal could not be moved to retire")));

            f.repair();

            assertEquals(f.log(), "green", f.state().active());
            Operation.assertCommitted(f, f.world.snapshot());
        }

        /**
         * The check-and-set exists for a writer that got past the lock (a lost Consul session, a hand edit): when one
         * wrote the state during the gate, the commit fails, and the undo must not put its own older copy over that
         * write; it only takes back what this operation did.
         */
        @Test
        public void anUndoDoesNotOverwriteAStateSomeoneElseWrote() {
            Fixture f = Operation.DEPLOY.fixture("30s");
            Operation.DEPLOY.setUp(f);
            Snapshot before = f.world.snapshot();
            ServiceState theirs = before.state().with(BLUE, f.color(BLUE).withStandbyUntil("2030-02-01T00:00:00Z"), "2030-02-01T00:00:01Z");
            f.world.whileWaitingIn("gate", () -> assertTrue(f.world.store.writeState(Fixture.SERVICE, theirs,
                    f.world.store.readState(Fixture.SERVICE).index())));

            assertThrows(RuntimeException.class, () -> f.deploy("v2"));

            assertEquals(f.log(), theirs, f.state());
            Snapshot after = f.world.snapshot();
            assertEquals("traffic as before", before.routed(), after.routed());
            assertEquals("what it started is gone", before.containers(), after.containers());
        }

        /** A third release goes to blue again: v1 there is retired, v2 in green becomes the standby. */
        @Test
        public void aThirdDeployRetiresTheOldStandbyAndKeepsTheLastActive() {
            Fixture f = Operation.ROLLBACK.fixture("30s");
            Operation.ROLLBACK.setUp(f);
            List<String> v1 = f.color(BLUE).replicaIds();

            f.deploy("v3");

            Snapshot after = f.world.snapshot();
            Operation.assertCommitted(f, after);
            assertEquals("v3", f.color(BLUE).version());
            assertEquals("v2", f.color(GREEN).version());
            v1.forEach(id -> assertFalse(id + " is retired", after.containers().containsKey(id)));
        }

        /** A replica that recovered before the replacement took the lock is left alone: nothing runs, nothing recorded. */
        @Test
        public void aReplacementOfAReplicaThatRecoveredDoesNothing() {
            Fixture f = Operation.REPLACE.fixture("30s");
            f.deploy("v1");
            String b1 = f.color(BLUE).replicaIds().get(0);
            f.world.registry.setHealth(b1, Instance.Health.CRITICAL);
            f.world.registry.setHealth(b1, Instance.Health.PASSING);
            Snapshot before = f.world.snapshot();
            int records = f.world.store.history(Fixture.SERVICE, 100).size();

            assertEquals(List.of(), f.replace(BLUE, List.of(b1), Cancellation.NEVER));

            assertEquals(before, f.world.snapshot());
            assertEquals(records, f.world.store.history(Fixture.SERVICE, 100).size());
        }

        /** The next operation repairs first, under the lock, then does its own work on the repaired world. */
        @Test
        public void theNextDeployRepairsFirst() {
            Fixture f = Operation.DEPLOY.fixture("30s");
            Operation.DEPLOY.setUp(f);
            List<String> blue = f.color(BLUE).replicaIds();
            f.world.dieDuring("gate");
            assertThrows(Killed.class, () -> f.deploy("v2"));

            f.deploy("v3");

            Snapshot after = f.world.snapshot();
            Operation.assertCommitted(f, after);
            assertEquals("v3", f.color(GREEN).version());
            assertEquals(blue, f.color(BLUE).replicaIds());
            assertEquals("blue's two and green's two, nothing of v2", 4, after.containers().size());
        }
    }
}
