package io.dualmode.it.springcloud.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualmode.it.support.LocalNetwork;
import io.dualmode.sidecar.Mode;
import io.dualmode.sidecar.Sidecar;
import io.dualmode.sidecar.agent.MeshAgent;
import io.dualmode.sidecar.agent.SidecarDataPlane;
import io.dualmode.sidecar.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real sidecar (the {@link Sidecar} proxy and its {@link MeshAgent} registry agent) in the test JVM, on fixed ports
 * so it can be stopped and started again where its application expects it: the local registry endpoint on 127.0.0.1
 * (HTTP port and +1000), the admin endpoint on 127.0.0.1, ingress listeners on its own 127.0.0.x. Everything the
 * tests learn about traffic comes from its admin endpoint ({@code /stats}, {@code /mode}).
 */
final class TestSidecar implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final String ingressHost;
    private final String registry;
    private final int registryPort;
    private final int adminPort;
    private Sidecar sidecar;
    private MeshAgent agent;

    TestSidecar(String name, String ingressHost, String registry) {
        this.name = name;
        this.ingressHost = ingressHost;
        this.registry = registry;
        this.registryPort = LocalNetwork.freePortPair(1000);
        this.adminPort = LocalNetwork.freePort();
    }

    /** Starts proxy and agent in {@code mode}. */
    TestSidecar start(Mode mode) {
        sidecar = Sidecar.create(
                        ConfigLoader.parse(
                                "workers: 1\ndrainTimeout: 1s\nadmin: {address: 127.0.0.1, port: " + adminPort + "}",
                                name),
                        mode)
                .start();
        agent = MeshAgent.builder(registry, new SidecarDataPlane(sidecar, ingressHost), sidecar.mode())
                .localPort(registryPort)
                .build()
                .start();
        return this;
    }

    /** Stops agent and proxy (the application's connections to both are closed). */
    void stop() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
        if (sidecar != null) {
            sidecar.stop(Duration.ofSeconds(1));
            sidecar = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The {@code dualmode.*} properties that put an example application in mesh mode behind this sidecar. */
    List<String> meshProperties() {
        return List.of(
                "--dualmode.mode=mesh",
                "--dualmode.sidecar.registry-port=" + registryPort,
                "--dualmode.sidecar.admin-port=" + adminPort,
                // the sidecar is ready before the application starts; a loaded CI machine can still be slow to answer
                "--dualmode.sidecar.startup-timeout=60s");
    }

    String ingressHost() {
        return ingressHost;
    }

    /** Requests its listener {@code <direction>-http-<service>} has received. */
    long requests(String direction, String service) {
        String key = "sidecar.downstream.rq.total.listener=" + direction + "-http-" + service + ".count";
        JsonNode value = admin("GET", "/stats", null).get(key);
        return value == null ? 0 : value.asLong();
    }

    /** Switches the instance's mode through the admin endpoint, as an operator (or the platform) does. */
    void switchMode(String mode) {
        JsonNode answer = admin("POST", "/mode", "{\"mode\":\"" + mode + "\"}");
        if (!answer.toString().contains(mode)) {
            throw new IllegalStateException(name + ": POST /mode " + mode + " answered " + answer);
        }
    }

    /** The upstream endpoints of cluster {@code service}, as {@code host:port=mode}. */
    List<String> clusterEndpoints(String service) {
        List<String> out = new ArrayList<>();
        JsonNode clusters = admin("GET", "/clusters", null);
        for (JsonNode c : clusters.isArray() ? clusters : clusters.path("clusters")) {
            if (service.equals(c.path("name").asText())) {
                for (JsonNode e : c.path("endpoints")) {
                    out.add(e.path("host").asText() + ":" + e.path("port").asInt() + "="
                            + e.path("metadata").path("dualmode.mode").asText());
                }
            }
        }
        return out;
    }

    private JsonNode admin(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
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
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
