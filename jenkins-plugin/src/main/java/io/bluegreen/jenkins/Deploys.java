package io.bluegreen.jenkins;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.bluegreen.core.engine.DeploySummary;
import java.io.IOException;
import java.util.Map;

/** What the Pipeline step and the freestyle builder share: run a deploy on the workspace's agent, record it, fail politely. */
final class Deploys {
    private Deploys() {}

    /** Validates on the agent and returns the service name, before anything is touched. */
    static Calls.Resolve resolve(
            Map<String, String> env, TaskListener listener, String specFile, Map<String, Object> parameters) {
        return new Calls.Resolve(env, listener, Settings.defaults(), specFile, parameters);
    }

    static DeploySummary deploy(
            Run<?, ?> run, FilePath workspace, TaskListener listener, Map<String, String> env, Calls.Resolve what)
            throws IOException, InterruptedException {
        return record(run, workspace.act(what.deploy(env, listener)));
    }

    /** Keeps the summary on the build; a failed operation fails the build with its reason. */
    static DeploySummary record(Run<?, ?> run, DeploySummary summary) throws AbortException {
        BlueGreenBuildAction.record(run, summary);
        if (!summary.isSucceeded()) {
            throw new AbortException(
                    Messages.Deploys_Failed(summary.getService(), summary.getOutcome(), summary.getReason()));
        }
        return summary;
    }
}
