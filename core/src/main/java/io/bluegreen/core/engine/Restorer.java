package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.TrafficRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one undo: puts a service back where a journal found it: traffic first, then the KV state, then removes
 * what the journalled operation started (everything carrying its operation ID). Each step observes before
 * acting, so running it twice (an undo, then a repair after a crash in that undo) converges. The state is put
 * back only over this operation's own write: a state someone else wrote meanwhile (after a lost lock) is left as it
 * is. Traffic is always put back: the replicas this operation routed to are about to be removed, and what was
 * routed before is what was running before.
 */
final class Restorer {
    private final Systems sys;

    Restorer(Systems sys) {
        this.sys = sys;
    }

    /** Returns what could not be put back, each naming where things are now; empty means all restored. */
    List<String> restore(String service, Journal j, EventSink events) {
        List<String> problems = new ArrayList<>();
        Versioned<ServiceState> current = null;
        try {
            current = sys.store().readState(service);
        } catch (RuntimeException e) {
            problems.add("state: bluegreen/" + service + "/state could not be read (" + e.getMessage() + ")");
        }
        boolean ours = current != null && (current.value().equals(j.previous()) || current.value().equals(j.committing()));
        restoreRoute(sys.routerFor().apply(j.router()), j.routerSnapshot(), j, problems);
        if (j.previewRouter() != null) {
            restoreRoute(sys.routerFor().apply(j.previewRouter()), j.previewSnapshot(), j, problems);
        }
        if (current != null && !ours) {
            events.progress("bluegreen/" + service + "/state was written by someone else meanwhile (it says active="
                    + current.value().active() + "); left as it is");
        } else if (ours && !current.value().equals(j.previous())) {
            try {
                if (!sys.store().writeState(service, j.previous(), current.index())) {
                    problems.add("state: bluegreen/" + service + "/state changed while restoring; it still says active="
                            + current.value().active());
                }
            } catch (RuntimeException e) {
                problems.add("state: bluegreen/" + service + "/state could not be restored (" + e.getMessage() + ")");
            }
        }
        try {
            for (Instance i : sys.registry().instances(service)) {
                if (j.opId().equals(i.opId())) {
                    sys.registry().deregister(service, i.id());
                }
            }
        } catch (RuntimeException e) {
            problems.add("consul: replicas of " + j.opId() + " may still be registered (" + e.getMessage() + ")");
        }
        try {
            List<Replica> started = sys.cluster().list(service).stream()
                    .filter(r -> j.opId().equals(r.opId())).toList();
            sys.cluster().remove(started);
        } catch (RuntimeException e) {
            problems.add("containers: replicas of " + j.opId() + " may still run (" + e.getMessage() + ")");
        }
        return problems;
    }

    private static void restoreRoute(TrafficRouter router, String snapshot, Journal j, List<String> problems) {
        try {
            Optional<String> before = Optional.ofNullable(snapshot);
            if (!router.snapshot().equals(before)) {
                router.restore(before);
            }
        } catch (RuntimeException e) {
            problems.add("traffic: " + router.describe() + " could not be put back (" + e.getMessage()
                    + "); it may still point at the " + j.target() + " color of operation " + j.opId());
        }
    }
}
