package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import jenkins.model.TransientActionFactory;

/**
 * On a job: its deploy history, newest first, from the builds' own records (no call to Consul while rendering); the
 * builds are read only when the page is opened.
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

    /**
     * Shows the page on a job whose last completed or last successful build ran a blue-green operation: a job whose
     * deploys all failed (rolled back) has a history too. Jenkins loads both builds for every job page already.
     */
    @Extension
    public static final class Factory extends TransientActionFactory<Job> {
        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @Override
        public Collection<? extends Action> createFor(Job target) {
            Job<?, ?> job = target;
            boolean deployed = Stream.of(job.getLastCompletedBuild(), job.getLastSuccessfulBuild())
                    .anyMatch(r -> r != null && r.getAction(BlueGreenBuildAction.class) != null);
            return deployed ? List.of(new BlueGreenJobAction(job)) : List.of();
        }
    }
}
