package io.dualmode.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sidecar's admin endpoint on 127.0.0.1, as an operator (or the platform) uses it: request counters from
 * {@code /stats} and the run-time mode switch {@code POST /mode}. JDK only, like the rest of this module.
 */
public final class SidecarAdmin {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private final String name;
    private final int port;

    /**
     * @param name the sidecar, for error messages
     * @param port its admin port on 127.0.0.1
     */
    public SidecarAdmin(String name, int port) {
        this.name = name;
        this.port = port;
    }

    /**
     * Requests the listener has taken: {@code sidecar.downstream.rq.total.listener=<listener>.count} in {@code /stats}.
     *
     * @param listener the listener's name, e.g. {@code ingress-dubbo}
     * @return the count, 0 when the listener has taken none (or does not exist)
     */
    public long requests(String listener) {
        String key = "sidecar.downstream.rq.total.listener=" + listener + ".count";
        Matcher m =
                Pattern.compile("\"" + Pattern.quote(key) + "\"\\s*:\\s*(\\d+)").matcher(send("GET", "/stats", null));
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /**
     * Switches the instance's mode at run time.
     *
     * @param mode {@code mesh} or {@code sdk}
     * @throws IllegalStateException when the sidecar does not confirm the new mode
     */
    public void switchMode(String mode) {
        String answer = send("POST", "/mode", "{\"mode\":\"" + mode + "\"}");
        if (!Pattern.compile("\"mode\"\\s*:\\s*\"" + Pattern.quote(mode) + "\"")
                .matcher(answer)
                .find()) {
            throw new IllegalStateException(name + ": POST /mode " + mode + " answered " + answer);
        }
    }

    /**
     * One admin request.
     *
     * @return the body of a 200 answer
     * @throws IllegalStateException on any other status
     */
    public String send(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5));
        request = body == null
                ? request.GET()
                : request.header("content-type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(name + ": " + method + " " + path + " answered " + response.statusCode()
                        + " " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
