package io.bluegreen.jenkins;

import hudson.AbortException;
import hudson.model.TaskListener;
import hudson.remoting.VirtualChannel;
import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.Connections;
import io.bluegreen.core.engine.DeployListener;
import io.bluegreen.core.engine.EventLines;
import io.bluegreen.core.engine.Redactor;
import io.bluegreen.core.engine.RefusedException;
import io.bluegreen.core.engine.UntrustedStateException;
import io.bluegreen.core.engine.port.StoredDataException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.InvalidSpecException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import jenkins.MasterToSlaveFileCallable;

/**
 * One engine operation, run on the agent that holds the workspace (so a Docker build context, a spec file and the
 * proxy's files are read where they live). The connection settings travel as the ecosystem's variables and are
 * parsed by core there; engine events go to the build log, one line each, with every secret redacted. Input and
 * reachability problems, refusals and a saved state that cannot be trusted end the build politely
 * ({@link AbortException}) with core's message.
 */
abstract class AgentCall<T> extends MasterToSlaveFileCallable<T> {
    private static final long serialVersionUID = 1L;
    private final HashMap<String, String> env;
    private final TaskListener listener;

    AgentCall(Map<String, String> env, TaskListener listener) {
        this.env = new HashMap<>(env);
        this.listener = listener;
    }

    @Override
    public final T invoke(File workspace, VirtualChannel channel) throws IOException, InterruptedException {
        Connections connections;
        try {
            connections = Connections.fromEnvironment(env);
        } catch (InvalidSpecException e) {
            throw new AbortException(e.getMessage());
        }
        try (BlueGreen bg =
                BlueGreen.connect(connections, notice -> listener.getLogger().println(notice))) {
            Redactor redactor = bg.systems().redactor();
            DeployListener log = e -> listener.getLogger().println(redactor.redact(EventLines.human(e)));
            try {
                return call(workspace.toPath(), bg, log);
            } catch (InvalidSpecException
                    | SystemUnreachableException
                    | RefusedException
                    | StoredDataException
                    | UntrustedStateException e) {
                throw new AbortException(redactor.redact(e.getMessage()));
            }
        }
    }

    /**
     * The operation itself, through core's front door (which picks the engines of the spec's or the service's
     * target); {@code log} writes engine events to the build log.
     */
    abstract T call(Path workspace, BlueGreen bg, DeployListener log) throws IOException;
}
