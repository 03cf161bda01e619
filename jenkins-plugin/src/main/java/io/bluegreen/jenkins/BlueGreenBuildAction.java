package io.bluegreen.jenkins;

import hudson.model.Run;
import io.bluegreen.core.engine.DeploySummary;
import java.util.ArrayList;
import java.util.List;
import jenkins.model.RunAction2;

/**
 * On a build: each blue-green operation it ran, with the flip, the versions, per-phase timings and the switch's figures.
 * Its job shows the history page while a recent build has one ({@link BlueGreenJobAction.Factory}).
 */
public class BlueGreenBuildAction implements RunAction2 {
    private final ArrayList<DeploySummary> summaries = new ArrayList<>();
    private transient Run<?, ?> run;

    /** Adds {@code summary} to the build's action, creating it on the first operation. */
    static synchronized void record(Run<?, ?> run, DeploySummary summary) {
        BlueGreenBuildAction a = run.getAction(BlueGreenBuildAction.class);
        if (a == null) {
            a = new BlueGreenBuildAction();
            run.addAction(a);
        }
        a.summaries.add(summary);
    }

    public List<DeploySummary> getSummaries() {
        return summaries;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    @Override
    public void onAttached(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public void onLoad(Run<?, ?> r) {
        this.run = r;
    }

    @Override
    public String getIconFileName() {
        return "symbol-swap";
    }

    @Override
    public String getDisplayName() {
        return Messages.BlueGreenBuildAction_DisplayName();
    }

    @Override
    public String getUrlName() {
        return "bluegreen";
    }
}
