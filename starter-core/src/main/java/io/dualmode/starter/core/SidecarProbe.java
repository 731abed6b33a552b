package io.dualmode.starter.core;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks the local sidecar's admin endpoint whether it is ready. Blocking; never call it on an event loop. */
public class SidecarProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final URI readyUri;
    private final HttpClient client;

    public SidecarProbe(DualmodeProperties properties) {
        DualmodeProperties.Sidecar sidecar = properties.getSidecar();
        this.readyUri = URI.create("http://" + sidecar.getHost() + ":" + sidecar.getAdminPort() + "/ready");
        this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** The admin URI asked. */
    public URI readyUri() {
        return readyUri;
    }

    /** One probe: ready, or not with what went wrong. */
    public Readiness probe() {
        try {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(readyUri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    ? Readiness.READY
                    : new Readiness(false, "the sidecar answered " + response.statusCode() + ": " + response.body());
        } catch (IOException e) {
            return new Readiness(false, "nothing answers at " + readyUri + " (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Readiness(false, "interrupted while asking " + readyUri);
        }
    }

    /** Probes until ready or until {@code timeout} has passed; the last answer either way. */
    public Readiness awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Readiness last = probe();
        while (!last.ready()
                && System.nanoTime() < deadline
                && !Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(100); // polling a process we do not control; bounded by the deadline
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            last = probe();
        }
        return last;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    /** Whether the sidecar is ready, and if not, why. */
    public record Readiness(boolean ready, String detail) {
        static final Readiness READY = new Readiness(true, "ready");
    }
}
