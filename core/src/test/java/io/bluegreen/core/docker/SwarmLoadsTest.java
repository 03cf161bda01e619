package io.bluegreen.core.docker;

import static org.junit.Assert.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bluegreen.core.cluster.EngineLoad;
import java.util.Map;
import java.util.Set;
import org.junit.Test;

public class SwarmLoadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    private static final String NODES = "["
            + "{'ID':'n1','Spec':{'Availability':'active','Labels':{'zone':'b'}},'Status':{'State':'ready'},"
            + " 'Description':{'Hostname':'one','Resources':{'MemoryBytes':1000},'Engine':{'Labels':{'zone':'a','disk':'ssd'}}}},"
            + "{'ID':'n2','Spec':{'Availability':'drain'},'Status':{'State':'ready'},'Description':{'Hostname':'two'}},"
            + "{'ID':'n3','Spec':{'Availability':'active'},'Status':{'State':'down'},'Description':{'Hostname':'three'}}]";

    @Test
    public void runningTasksReserveMemoryAndHostPortsOnTheirNode() throws Exception {
        String tasks = "["
                + "{'NodeID':'n1','DesiredState':'running','Spec':{'Resources':{'Reservations':{'MemoryBytes':300}}},"
                + " 'Status':{'PortStatus':{'Ports':[{'PublishedPort':8080}]}}},"
                + "{'NodeID':'n1','DesiredState':'running','Spec':{},'Status':{}},"
                + "{'NodeID':'n1','DesiredState':'shutdown','Spec':{'Resources':{'Reservations':{'MemoryBytes':500}}},"
                + " 'Status':{'PortStatus':{'Ports':[{'PublishedPort':9090}]}}}]";
        SwarmLoads.Nodes nodes = SwarmLoads.of(json(NODES), json(tasks));
        assertEquals(1, nodes.loads().size());
        EngineLoad one = nodes.loads().get(0);
        assertEquals("one", one.name());
        assertEquals("a task that is shutting down reserves nothing", 300, one.memoryReserved());
        assertEquals(1000, one.memoryTotal());
        assertEquals(2, one.containers());
        assertEquals(Set.of(8080), one.portsInUse());
        assertEquals("the node's own labels win over the engine's", Map.of("zone", "b", "disk", "ssd"), one.labels());
    }

    @Test
    public void drainedAndDownNodesAreSkippedAndNamed() throws Exception {
        SwarmLoads.Nodes nodes = SwarmLoads.of(json(NODES), json("[]"));
        assertEquals(Map.of("two", "ready, drain", "three", "down, active"), nodes.skipped());
    }

    @Test
    public void nodesOfOneHostnameStayApartByTheirId() throws Exception {
        String twins = "["
                + "{'ID':'aaaaaaaaaaaaaaaaaaaaaaaaa','Spec':{'Availability':'active'},'Status':{'State':'ready'},'Description':{'Hostname':'vm'}},"
                + "{'ID':'bbbbbbbbbbbbbbbbbbbbbbbbb','Spec':{'Availability':'active'},'Status':{'State':'ready'},'Description':{'Hostname':'vm'}}]";
        assertEquals(Set.of("vm (aaaaaaaaaaaa)", "vm (bbbbbbbbbbbb)"), SwarmLoads.of(json(twins), json("[]")).loads().stream()
                .map(EngineLoad::name).collect(java.util.stream.Collectors.toSet()));
    }
}
