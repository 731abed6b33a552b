package io.dualmode.starter.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/** Up when the instance can reach what its mode needs: the local sidecar (mesh) or the registry (SDK). */
public class DualmodeHealthIndicator extends AbstractHealthIndicator {

    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final DualmodeProperties properties;
    private final SidecarProbe probe;

    public DualmodeHealthIndicator(DualmodeProperties properties, SidecarProbe probe) {
        super("dualmode health check failed");
        this.properties = properties;
        this.probe = probe;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.withDetail("mode", properties.getMode().metadataValue())
                .withDetail("registryAddress", properties.effectiveRegistryAddress());
        if (properties.getMode() == DualmodeMode.MESH) {
            SidecarProbe.Readiness readiness = probe.probe();
            builder.withDetail("sidecar", readiness.detail());
            if (readiness.ready()) {
                builder.up();
            } else {
                builder.down();
            }
            return;
        }
        String reachable = firstReachable(properties.getRegistry().getAddress());
        if (reachable != null) {
            builder.up().withDetail("registry", "reachable at " + reachable);
        } else {
            builder.down().withDetail("registry", "no registry address answers");
        }
    }

    /** The first {@code host:port} of a Nacos serverAddr that accepts a connection, or null. */
    static String firstReachable(String serverAddr) {
        for (String address : serverAddr.split(",")) {
            String a = address.trim().replaceFirst("^https?://", "");
            int colon = a.lastIndexOf(':');
            String host = colon < 0 ? a : a.substring(0, colon);
            int port =
                    colon < 0 ? 8848 : Integer.parseInt(a.substring(colon + 1).replaceAll("/.*$", ""));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
                return host + ":" + port;
            } catch (IOException | IllegalArgumentException e) {
                // try the next one
            }
        }
        return null;
    }
}
