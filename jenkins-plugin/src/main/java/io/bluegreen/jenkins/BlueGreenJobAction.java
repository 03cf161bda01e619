package io.bluegreen.jenkins;

import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import java.util.List;
import java.util.Objects;

/**
 * On a job: its deploy history, newest first, from the builds' own records (no call to Consul while rendering). Put
 * there by its last successful build's {@link BlueGreenBuildAction}; the builds are read only when the page is opened.
 */
public class BlueGreenJobAction implements Action {
    /** How many recent builds the page reads. */
    static final int BUILDS = 50;

    private final Job<?, ?> job;

    BlueGreenJobAction(Job<?, ?> job) {
        this.job = job;
    }

    public Job<?, ?> getJob() {
        return job;
    }

    /** The recent builds that ran a blue-green operation, each with its action. */
    public List<BlueGreenBuildAction> getHistory() {
        return job.getBuilds().limit(BUILDS).stream()
                .map(r -> ((Run<?, ?>) r).getAction(BlueGreenBuildAction.class))
                .filter(Objects::nonNull)
                .toList();
    }

    @Override
    public String getIconFileName() {
        return "symbol-build-history";
    }

    @Override
    public String getDisplayName() {
        return Messages.BlueGreenJobAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "bluegreen-history";
    }
}
