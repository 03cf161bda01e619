package io.bluegreen.jenkins;

import hudson.util.FormValidation;
import io.bluegreen.core.spec.StepParameters;
import java.util.List;

/** Form field checks: core's own validation of one step parameter, so a form and a deploy say the same. */
final class Forms {
    private Forms() {
    }

    /** An empty value is fine (the spec file or a default provides it); anything else must pass core's rules. */
    static FormValidation check(String parameter, String value) {
        if (value == null || value.isBlank() || value.contains("${")) {
            return FormValidation.ok();
        }
        List<String> problems = StepParameters.problems(parameter, value.strip());
        return problems.isEmpty() ? FormValidation.ok() : FormValidation.error(String.join("; ", problems));
    }
}
