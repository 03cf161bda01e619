package io.bluegreen.core.docker;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PushResponseItem;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/** The push stream as the engine sends it (a small layer sends more than its estimated total), read back as people read it. */
public class PushProgressTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void feed(PushProgress p, String... items) throws Exception {
        for (String item : items) {
            p.onNext(JSON.readValue(item.replace('\'', '"'), PushResponseItem.class));
        }
    }

    @Test
    public void countsLayersByWhatHappenedAndOnlyTheBytesSent() throws Exception {
        List<String> lines = new ArrayList<>();
        PushProgress p = new PushProgress(lines::add);
        feed(p, "{'status':'The push refers to repository [127.0.0.1:5000/vote]'}",
                "{'status':'Preparing','id':'aaa'}", "{'status':'Preparing','id':'bbb'}", "{'status':'Preparing','id':'ccc'}",
                "{'status':'Layer already exists','id':'ccc'}",
                "{'status':'Pushing','id':'aaa','progressDetail':{'current':3072,'total':1024}}",
                "{'status':'Pushing','id':'bbb','progressDetail':{'current':2048,'total':9000}}",
                "{'status':'Pushing','id':'aaa','progressDetail':{'current':5120,'total':1024}}",
                "{'status':'Pushed','id':'aaa'}", "{'status':'Pushed','id':'bbb'}",
                "{'status':'v2: digest: sha256:0123 size: 942'}",
                "{'progressDetail':{},'aux':{'Tag':'v2','Digest':'sha256:0123','Size':942}}");
        assertEquals("3 layer(s): 2 pushed, 1 already in the registry; 7 KiB sent", p.summary());
        assertEquals(List.of("pushing: 1 of 3 layer(s) done, 1 in flight, 3 KiB sent"), lines);
        assertFalse(p.error().isPresent());
    }

    @Test
    public void aPushOfLayersTheRegistryHasSendsNothing() throws Exception {
        PushProgress p = new PushProgress(line -> { });
        feed(p, "{'status':'Preparing','id':'aaa'}", "{'status':'Layer already exists','id':'aaa'}");
        assertEquals("1 layer(s): 0 pushed, 1 already in the registry; 0 KiB sent", p.summary());
    }

    @Test
    public void keepsTheStreamsOwnError() throws Exception {
        PushProgress p = new PushProgress(line -> { });
        feed(p, "{'errorDetail':{'message':'no basic auth credentials'},'error':'no basic auth credentials'}");
        assertTrue(p.error().isPresent());
        assertEquals("no basic auth credentials", p.error().get());
    }
}
