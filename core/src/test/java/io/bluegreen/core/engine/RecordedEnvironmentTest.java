package io.bluegreen.core.engine;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.Test;

/** A release again without its spec never starts without the environment its deploy had. */
public class RecordedEnvironmentTest {
    private final Fixture f = new Fixture(false, "30s");

    private void removeEveryContainer() {
        f.world.cluster.remove(f.world.cluster.list(Fixture.SERVICE));
    }

    @Test
    public void aRedeployWithNoContainerToCopyTheEnvironmentFromIsRefusedAndChangesNothing() {
        f.deploy("v1");
        ColorState before = f.color(Color.BLUE);
        assertEquals(List.of("GREETING"), before.recipe().environment());
        removeEveryContainer();
        RefusedException refused = assertThrows(RefusedException.class, () -> f.redeploy(Cancellation.NEVER));
        assertTrue(refused.getMessage(), refused.getMessage().contains("left to copy its environment from (GREETING)"));
        assertTrue(refused.getMessage(), refused.getMessage().contains("deploy from the spec"));
        assertEquals("nothing started", List.of(), f.world.cluster.list(Fixture.SERVICE));
        assertEquals("blue", f.state().active());
        assertEquals(before.deployId(), f.color(Color.BLUE).deployId());
        f.assertLockFree();
    }

    @Test
    public void aDeployThatHadNoEnvironmentIsRedeployedWithoutAContainerToCopy() {
        new Deployer(f.world.systems(), f.events::add).deploy(Fixture.spec("v1", "30s", Map.of("env", Map.of())));
        assertEquals(List.of(), f.color(Color.BLUE).recipe().environment());
        removeEveryContainer();
        f.redeploy(Cancellation.NEVER);
        assertEquals("green", f.state().active());
        assertEquals("v1", f.color(Color.GREEN).version());
    }
}
