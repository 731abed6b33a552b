/** Immutable sidecar configuration, its YAML/env/flag loading and validation, and error codes. */
package io.dualmode.sidecar.config;
