package io.bluegreen.jenkins;

import hudson.model.Item;
import hudson.util.FormValidation;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/** The checks of the fields the freestyle builder and the Pipeline step both have, on either's descriptor. */
public interface SharedFieldChecks {
    @POST
    default FormValidation doCheckService(@AncestorInPath Item item, @QueryParameter String value) {
        return Forms.check(item, "service", value);
    }

    @POST
    default FormValidation doCheckImage(@AncestorInPath Item item, @QueryParameter String value) {
        return Forms.check(item, "image", value);
    }

    @POST
    default FormValidation doCheckTag(@AncestorInPath Item item, @QueryParameter String value) {
        return Forms.check(item, "tag", value);
    }
}
