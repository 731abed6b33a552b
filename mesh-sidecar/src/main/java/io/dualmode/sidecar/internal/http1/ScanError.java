package io.dualmode.sidecar.internal.http1;

/** The scanner rejected the input: answer {@code status} and close the connection. */
record ScanError(int status, String reason) {}
