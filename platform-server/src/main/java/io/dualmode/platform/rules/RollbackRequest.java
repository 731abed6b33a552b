package io.dualmode.platform.rules;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The body of a rollback.
 *
 * @param toVersion the version whose content becomes the new current version
 */
record RollbackRequest(@NotNull @Min(1) Long toVersion) {}
