package io.bluegreen.cli;

import io.bluegreen.core.spec.InvalidSpecException;
import io.bluegreen.core.spec.SpecReader;
import picocli.CommandLine.Option;

/** {@code -s SERVICE}, validated like the spec's {@code service} field before it reaches a KV key. */
final class ServiceOption {
    @Option(names = {"-s", "--service"}, required = true, paramLabel = "SERVICE", description = "the service name")
    String service;

    String validated() {
        return validate(service);
    }

    static String validate(String service) {
        if (!SpecReader.SERVICE.matcher(service).matches()) {
            throw new InvalidSpecException("--service: '" + service.replaceAll("\\p{Cntrl}", "?")
                    + "' is not DNS-label-safe: use 1 to 63 of a-z, 0-9 and '-', starting and ending with a letter or digit");
        }
        return service;
    }
}
