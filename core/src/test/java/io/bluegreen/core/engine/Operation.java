package io.bluegreen.core.engine;

import static io.bluegreen.core.engine.Color.BLUE;
import static io.bluegreen.core.engine.Color.GREEN;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.engine.fake.World.Snapshot;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Each kind of transition the runner carries out, as a person or a heal starts it through its façade: the world it
 * starts from, how it is run, the steps it has, and the world it must end in.
 */
enum Operation {
    /** Nothing deployed yet: v1 into blue. */
    FIRST_DEPLOY(true, true, EnumSet.range(Injection.PULL, Injection.VERIFY), Step.REMOVE) {
        @Override
        void setUp(Fixture f) {
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            f.deploy("v1");
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            assertEquals("blue", f.state().active());
            assertEquals("v1", f.color(BLUE).version());
            assertEquals(2, f.color(BLUE).replicaIds().size());
            assertFalse(f.state().color(GREEN).isPresent());
        }
    },
    /** v1 in blue; v2 into green, blue kept warm. */
    DEPLOY(true, true, EnumSet.range(Injection.PULL, Injection.VERIFY), Step.REMOVE) {
        @Override
        void setUp(Fixture f) {
            f.deploy("v1");
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            f.deploy("v2");
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            assertEquals("green", f.state().active());
            assertEquals("v2", f.color(GREEN).version());
            assertEquals(2, f.color(GREEN).replicaIds().size());
            assertEquals("blue stays as it was, as the warm standby", before.state().color(BLUE).orElseThrow().replicaIds(),
                    f.color(BLUE).replicaIds());
            assertNotNull("blue is kept warm for standby.keep", f.color(BLUE).standbyUntil());
        }
    },
    /** v1 in blue, v2 active in green; back to blue. */
    ROLLBACK(false, true, EnumSet.range(Injection.ROUTE, Injection.WRITE_LOST), Step.RESTORE) {
        @Override
        void setUp(Fixture f) {
            f.deploy("v1");
            f.deploy("v2");
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            f.rollback(cancel);
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            assertEquals("blue", f.state().active());
            assertNull("blue is active, no longer a standby", f.color(BLUE).standbyUntil());
            assertNotNull("green is kept warm in its turn", f.color(GREEN).standbyUntil());
            assertEquals("a rollback starts and removes nothing", before.containers(), after.containers());
            assertEquals(before.registrations(), after.registrations());
        }
    },
    /** Blue's first replica crashed; a new one takes its place beside the survivor. */
    REPLACE(false, true, EnumSet.range(Injection.START, Injection.WRITE_LOST), Step.REMOVE) {
        @Override
        void setUp(Fixture f) {
            f.deploy("v1");
            f.world.failReplica(failed(f));
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            f.replace(BLUE, List.of(failed(f)), cancel);
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            List<String> was = before.state().color(BLUE).orElseThrow().replicaIds();
            List<String> now = f.color(BLUE).replicaIds();
            assertEquals(2, now.size());
            assertEquals("the survivor stays", was.get(1), now.get(0));
            assertFalse("the failed replica is removed", after.containers().containsKey(was.get(0)));
            assertFalse("and deregistered", after.registrations().containsKey(was.get(0)));
            assertEquals("same deploy, one more replica", before.state().color(BLUE).orElseThrow().deployId(),
                    f.color(BLUE).deployId());
        }
    },
    /** v1 in blue is the standby behind v2 in green; blue's first replica crashed: replaced, nothing routed. */
    REPLACE_STANDBY(false, true, EnumSet.complementOf(EnumSet.of(Injection.PULL, Injection.ROUTE, Injection.VERIFY)),
            Step.REMOVE) {
        @Override
        void setUp(Fixture f) {
            f.deploy("v1");
            f.deploy("v2");
            f.world.failReplica(failed(f));
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            REPLACE.run(f, cancel);
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            REPLACE.assertPlanned(f, before, after);
            assertEquals("traffic stays on green", before.routed(), after.routed());
        }
    },
    /** The same crash where the cluster cannot start one replica of a deploy (Swarm): the whole color again. */
    RENEW(false, false, EnumSet.range(Injection.START, Injection.WRITE_LOST), Step.REMOVE) {
        @Override
        void setUp(Fixture f) {
            REPLACE.setUp(f);
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            REPLACE.run(f, cancel);
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            ColorState was = before.state().color(BLUE).orElseThrow();
            assertNotEquals("renewed as a new deploy", was.deployId(), f.color(BLUE).deployId());
            assertEquals(2, f.color(BLUE).replicaIds().size());
            assertEquals("v1", f.color(BLUE).version());
            was.replicaIds().forEach(id -> assertFalse(id + " is retired", after.containers().containsKey(id)));
        }
    },
    /** Every blue replica crashed and there is no standby: v1 again, into green. */
    REDEPLOY(true, true, EnumSet.range(Injection.START, Injection.VERIFY), Step.REMOVE) {
        @Override
        void setUp(Fixture f) {
            f.deploy("v1");
            f.color(BLUE).replicaIds().forEach(f.world::failReplica);
        }

        @Override
        void run(Fixture f, Cancellation cancel) {
            f.redeploy(cancel);
        }

        @Override
        void assertPlanned(Fixture f, Snapshot before, Snapshot after) {
            ColorState was = before.state().color(BLUE).orElseThrow();
            assertEquals("green", f.state().active());
            assertEquals(was.version(), f.color(GREEN).version());
            assertEquals(was.image(), f.color(GREEN).image());
            assertEquals("from the recorded recipe", was.recipe(), f.color(GREEN).recipe());
            assertEquals(2, f.color(GREEN).replicaIds().size());
        }
    };

    /** Whether it is a release (deploy, redeploy): its undo is recorded "rolled-back", other kinds' "failed". */
    final boolean release;
    final boolean startsPartOfADeploy;
    /** The steps this kind has, each of which may fail. */
    final Set<Injection> steps;
    /** What breaks its undo: removing what it started, or (starting nothing) putting the traffic back. */
    final Step undoStep;

    Operation(boolean release, boolean startsPartOfADeploy, Set<Injection> steps, Step undoStep) {
        this.release = release;
        this.startsPartOfADeploy = startsPartOfADeploy;
        this.steps = steps;
        this.undoStep = undoStep;
    }

    Fixture fixture(String gateDeadline) {
        return new Fixture(startsPartOfADeploy, gateDeadline);
    }

    abstract void setUp(Fixture f);

    /** Runs it through its façade; {@code cancel} reaches the kinds a heal may preempt. */
    abstract void run(Fixture f, Cancellation cancel);

    /** What is particular to this kind's planned world (the common part is in {@link #assertCommitted}). */
    abstract void assertPlanned(Fixture f, Snapshot before, Snapshot after);

    /**
     * Common to every committed transition: traffic goes to the active color's recorded endpoints, exactly what the
     * state names is there and registered (nothing stale left, nothing named missing), the active color runs and
     * passes, and the journal is gone.
     */
    static void assertCommitted(Fixture f, Snapshot after) {
        ServiceState s = f.state();
        ColorState active = f.color(s.activeColor().orElseThrow());
        assertEquals(f.log(), active.endpoints(), after.routed());
        assertEquals(s.replicaIds(), after.containers().keySet());
        assertEquals(s.replicaIds(), after.registrations().keySet());
        for (String id : active.replicaIds()) {
            assertTrue(id + " runs", after.containers().get(id));
            assertEquals(id, Instance.Health.PASSING, after.registrations().get(id));
        }
        assertFalse("the journal is gone", after.journal());
    }

    /** The replica REPLACE and RENEW find crashed: blue's first. */
    private static String failed(Fixture f) {
        return f.color(BLUE).replicaIds().get(0);
    }
}
