package io.bluegreen.jenkins;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.model.Item;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.bluegreen.core.spec.StepParameters;
import java.util.Arrays;
import java.util.List;
import jenkins.model.Jenkins;

/**
 * The forms' field checks and choices, for those who may configure what the form is on: the item (Item/Configure),
 * or, off any item (the global Pipeline snippet generator), Jenkins (Overall/Administer); others get no verdict and no
 * choice. A check is core's own validation of one step parameter, so a form and a deploy say the same.
 */
final class Forms {
    private Forms() {}

    private static boolean allowed(@CheckForNull Item item) {
        return item == null ? Jenkins.get().hasPermission(Jenkins.ADMINISTER) : item.hasPermission(Item.CONFIGURE);
    }

    /** A text parameter. Empty is fine (the spec file or a default provides it), and so is a build variable. */
    static FormValidation check(@CheckForNull Item item, String parameter, String value) {
        return checked(item, parameter, value, value == null ? null : value.strip());
    }

    /** A field that may not stay empty. */
    static FormValidation required(@CheckForNull Item item, String value, String message) {
        return allowed(item) && (value == null || value.isBlank())
                ? FormValidation.error(message)
                : FormValidation.ok();
    }

    /** A whole-number parameter: what parses is checked as a number, anything else is refused by core as it is. */
    static FormValidation checkNumber(@CheckForNull Item item, String parameter, String value) {
        Object number = value;
        try {
            number = value == null ? null : Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            // core names what it expected
        }
        return checked(item, parameter, value, number);
    }

    /** A list parameter typed one entry a line. */
    static FormValidation checkLines(@CheckForNull Item item, String parameter, String value) {
        return checked(item, parameter, value, lines(value));
    }

    private static FormValidation checked(@CheckForNull Item item, String parameter, String typed, Object value) {
        if (!allowed(item) || typed == null || typed.isBlank() || typed.contains("${")) {
            return FormValidation.ok();
        }
        List<String> problems = StepParameters.problems(parameter, value);
        return problems.isEmpty() ? FormValidation.ok() : FormValidation.error(String.join("; ", problems));
    }

    /** The non-blank lines of a text area, stripped. */
    static List<String> lines(String text) {
        return text == null
                ? List.of()
                : text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    /** A select's choices; the first is shown as is, empty meaning "from the spec file". */
    static ListBoxModel choices(@CheckForNull Item item, String... values) {
        ListBoxModel m = new ListBoxModel();
        if (allowed(item)) {
            Arrays.stream(values).forEach(m::add);
        }
        return m;
    }
}
