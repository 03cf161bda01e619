package io.bluegreen.core.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a deploy (or rollback, repair) reports as it goes: {@code phase-start}, {@code phase-end},
 * {@code phase-failed}, {@code progress}, {@code warning} and a final {@code result}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeployEvent(String at, String type, String service, String deployId, String phase, String message,
                          Long durationMs) {
}
