package io.bluegreen.core.engine;

import io.bluegreen.core.engine.port.TrafficRouter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one undo: puts a service back where a journal found it: traffic first, then the KV state, then removes
 * what the journalled operation started (everything carrying its operation ID). Each step observes before
 * acting, so running it twice (an undo, then a repair after a crash in that undo) converges.
 */
final class Restorer {
    private final Systems sys;

    Restorer(Systems sys) {
        this.sys = sys;
    }

    /** Returns what could not be put back, each naming where things are now; empty means all restored. */
    List<String> restore(String service, Journal j) {
        List<String> problems = new ArrayList<>();
        TrafficRouter router = sys.routerForState().apply(j.router());
        try {
            Optional<String> before = Optional.ofNullable(j.routerSnapshot());
            if (!router.snapshot().equals(before)) {
                router.restore(before);
            }
        } catch (RuntimeException e) {
            problems.add("traffic: " + router.describe() + " could not be put back (" + e.getMessage()
                    + "); it may still point at the " + j.target() + " color of operation " + j.opId());
        }
        try {
            Versioned<ServiceState> current = sys.store().readState(service);
            if (!current.value().equals(j.previous()) && !sys.store().writeState(service, j.previous(), current.index())) {
                problems.add("state: bluegreen/" + service + "/state changed while restoring; it still says active="
                        + current.value().active());
            }
        } catch (RuntimeException e) {
            problems.add("state: bluegreen/" + service + "/state could not be restored (" + e.getMessage() + ")");
        }
        try {
            for (Instance i : sys.registry().instances(service)) {
                if (j.opId().equals(i.opId())) {
                    sys.registry().deregister(i.id());
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
}
