package io.dualmode.governance.push;

import io.dualmode.governance.validation.Violation;
import java.util.List;

/**
 * Why a sidecar NACKed a response.
 *
 * @param code a stable code, e.g. {@code GOV-0102} for a resource that failed validation
 * @param message a sentence for operators
 * @param problems the resources that could not be applied and why
 */
public record ErrorDetail(String code, String message, List<ResourceProblem> problems) {

    public ErrorDetail {
        problems = problems == null ? List.of() : List.copyOf(problems);
    }

    /**
     * One rejected resource.
     *
     * @param key the resource
     * @param version the version rejected
     * @param violations what is wrong with it
     */
    public record ResourceProblem(ResourceKey key, long version, List<Violation> violations) {

        public ResourceProblem {
            violations = violations == null ? List.of() : List.copyOf(violations);
        }
    }
}
