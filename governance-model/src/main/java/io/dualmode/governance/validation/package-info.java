/**
 * Strict parsing and validation of rule documents; every problem is a {@link
 * io.dualmode.governance.validation.Violation} with a stable code, a JSON path and a message saying what to fix.
 */
package io.dualmode.governance.validation;
