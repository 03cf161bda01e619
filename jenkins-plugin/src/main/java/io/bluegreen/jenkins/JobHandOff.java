package io.bluegreen.jenkins;

import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Job;
import hudson.model.ParametersAction;
import hudson.model.Queue;
import hudson.model.StringParameterValue;
import hudson.security.ACL;
import hudson.security.ACLContext;
import io.bluegreen.core.heal.HealDecision;
import io.bluegreen.core.heal.HealHandOff;
import jenkins.model.Jenkins;
import jenkins.model.ParameterizedJobMixIn;

/**
 * Core's heal hands the corrective action to a Jenkins job: scheduled as the system with {@code SERVICE},
 * {@code ACTION} (replace, fail-back, redeploy) and {@code REASON}; the job must declare them (undeclared
 * parameters are dropped by Jenkins). Core calls this at most once per incident.
 */
final class JobHandOff implements HealHandOff {
    private final String jobName;

    JobHandOff(String jobName) {
        this.jobName = jobName;
    }

    @Override
    public String handOff(String service, HealDecision decision) {
        try (ACLContext system = ACL.as2(ACL.SYSTEM2)) {
            Job<?, ?> job = Jenkins.get().getItemByFullName(jobName, Job.class);
            if (job == null) {
                throw new IllegalStateException(Messages.JobHandOff_NoJob(jobName));
            }
            Queue.Item item = ParameterizedJobMixIn.scheduleBuild2(
                    job,
                    0,
                    new CauseAction(new Cause.RemoteCause(Messages.JobHandOff_Cause(), decision.reason())),
                    new ParametersAction(
                            new StringParameterValue("SERVICE", service),
                            new StringParameterValue("ACTION", decision.action().label()),
                            new StringParameterValue("REASON", decision.reason())));
            if (item == null) {
                throw new IllegalStateException(Messages.JobHandOff_NotQueued(jobName));
            }
            return Messages.JobHandOff_Queued(jobName, Long.toString(item.getId()));
        }
    }
}
