package io.dualmode.sidecar.internal.http1;

/** Follows the last body bytes of a request or response (or its head, when it has no body). */
enum MessageEnd {
    INSTANCE
}
