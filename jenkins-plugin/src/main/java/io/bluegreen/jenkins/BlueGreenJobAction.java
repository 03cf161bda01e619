package io.bluegreen.jenkins;

import hudson.Extension;
import hudson.model.Action;
import hudson.model.Job;
import hudson.model.Run;
import java.util.Collection;
import java.util.List;
import jenkins.model.TransientActionFactory;

/** On a job: its deploy history, newest first, from the builds' own records (no call to Consul while rendering). */
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
        return job.getBuilds().limit(BUILDS).stream().map(r -> ((Run<?, ?>) r).getAction(BlueGreenBuildAction.class))
                .filter(a -> a != null).toList();
    }

    @Override
    public String getIconFileName() {
        return "symbol-build-history";
    }

    @Override
    public String getDisplayName() {
        return "Blue-Green history";
    }

    @Override
    public String getUrlName() {
        return "bluegreen-history";
    }

    @Extension
    public static class Factory extends TransientActionFactory<Job> {
        @Override
        public Class<Job> type() {
            return Job.class;
        }

        @Override
        public Collection<? extends Action> createFor(Job target) {
            Run<?, ?> last = target.getLastBuild();
            return last != null && last.getAction(BlueGreenBuildAction.class) != null
                    ? List.of(new BlueGreenJobAction(target)) : List.of();
        }
    }
}
