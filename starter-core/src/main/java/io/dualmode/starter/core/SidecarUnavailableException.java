package io.dualmode.starter.core;

import java.net.URI;
import java.time.Duration;

/** Thrown at start-up in mesh mode when the local sidecar does not become ready in time. */
public class SidecarUnavailableException extends RuntimeException {

    private final URI readyUri;
    private final Duration waited;
    private final boolean launched;

    public SidecarUnavailableException(URI readyUri, Duration waited, boolean launched, String detail) {
        super("DUALMODE-0001 the local sidecar is not ready after " + waited + ": " + detail);
        this.readyUri = readyUri;
        this.waited = waited;
        this.launched = launched;
    }

    /** The admin URI that was asked. */
    public URI readyUri() {
        return readyUri;
    }

    /** How long start-up waited. */
    public Duration waited() {
        return waited;
    }

    /** Whether this application launched the sidecar itself. */
    public boolean launched() {
        return launched;
    }
}
