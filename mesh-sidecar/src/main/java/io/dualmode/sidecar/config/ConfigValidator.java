package io.dualmode.sidecar.config;

import io.dualmode.sidecar.cluster.Endpoint;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/** Checks a configuration before it is used; the first mistake found is thrown with its code. */
final class ConfigValidator {
    private ConfigValidator() {}

    static void validate(SidecarConfig config) {
        if (config.workers() < 1) {
            throw SidecarErrors.CONFIG_INVALID.exception("workers must be at least 1, got " + config.workers());
        }
        positive("drainTimeout", config.drainTimeout());
        if (config.admin().port() != -1) {
            port("admin.port", config.admin().port(), 0);
        }
        limits(config.limits());
        Set<String> clusters = clusters(config);
        listeners(config, clusters);
        services(config);
        controlPlane(config.controlPlane());
        governance(config.governance());
    }

    private static void governance(GovernanceConfig g) {
        if (g.sourceAddress() != null) {
            ip("governance.sourceAddress", g.sourceAddress());
        }
        g.callerAddresses().forEach((address, caller) -> {
            ip("governance.callerAddresses", address);
            if (caller == null || caller.isBlank()) {
                throw SidecarErrors.CONFIG_INVALID.exception(
                        "governance.callerAddresses: the caller of " + address + " is empty");
            }
        });
    }

    /** An IPv4 or IPv6 literal, checked without any name lookup. */
    private static void ip(String field, String value) {
        boolean literal =
                value.indexOf(':') >= 0 ? value.matches("[0-9A-Fa-f:.]+") : value.matches("(\\d{1,3})(\\.\\d{1,3}){3}");
        if (literal) {
            try {
                java.net.InetAddress.getByName(value);
                if (value.indexOf(':') >= 0
                        || java.util.Arrays.stream(value.split("\\.")).allMatch(p -> Integer.parseInt(p) <= 255)) {
                    return;
                }
            } catch (java.net.UnknownHostException e) {
                // not a literal after all
            }
        }
        throw SidecarErrors.BAD_CALLER_ADDRESS.exception(field, value);
    }

    private static void controlPlane(ControlPlaneConfig cp) {
        if (cp.url() != null) {
            String scheme = cp.url().getScheme();
            if (!"ws".equals(scheme) && !"wss".equals(scheme) || cp.url().getHost() == null) {
                throw SidecarErrors.CONTROL_PLANE_URL.exception(cp.url(), "use ws://host:port/api/v1/push");
            }
            if (cp.token() == null || cp.token().isBlank()) {
                throw SidecarErrors.CONTROL_PLANE_TOKEN.exception(cp.url());
            }
        }
        positive("controlPlane.reconnectDelay", cp.reconnectDelay());
        positive("controlPlane.reportInterval", cp.reportInterval());
        if (cp.stateDir() != null
                && java.nio.file.Files.exists(cp.stateDir())
                && !java.nio.file.Files.isDirectory(cp.stateDir())) {
            throw SidecarErrors.STATE_DIR.exception(cp.stateDir(), "it is not a directory");
        }
    }

    private static void limits(LimitsConfig limits) {
        positive("limits.idleTimeout", limits.idleTimeout());
        if (limits.maxHeaderBytes() < 256 || limits.maxBodyBytes() < 0) {
            throw SidecarErrors.CONFIG_INVALID.exception(
                    "limits.maxHeaderBytes must be at least 256 and limits.maxBodyBytes not negative");
        }
        if (limits.maxConcurrentStreams() < 1) {
            throw SidecarErrors.CONFIG_INVALID.exception(
                    "limits.maxConcurrentStreams must be at least 1, got " + limits.maxConcurrentStreams());
        }
    }

    private static Set<String> clusters(SidecarConfig config) {
        Set<String> names = new HashSet<>();
        cluster(config.clusterDefaults());
        for (ClusterConfig c : config.clusters()) {
            required("clusters[].name", c.name());
            if (!names.add(c.name())) {
                throw SidecarErrors.DUPLICATE_NAME.exception("cluster", c.name());
            }
            cluster(c);
        }
        return names;
    }

    /** Validates one cluster; also used for clusters fed at run time. */
    static void cluster(ClusterConfig c) {
        positive("cluster '" + c.name() + "' connectTimeout", c.connectTimeout());
        positive("cluster '" + c.name() + "' requestTimeout", c.requestTimeout());
        positive("cluster '" + c.name() + "' idleTimeout", c.idleTimeout());
        if (c.lbPolicy() == ClusterConfig.LbPolicy.CONSISTENT_HASH
                && (c.hashHeader() == null || c.hashHeader().isBlank())) {
            throw SidecarErrors.MISSING_FIELD.exception(
                    "cluster '" + c.name() + "' hashHeader (lbPolicy CONSISTENT_HASH)");
        }
        long buffered = c.retry().maxBufferedBody();
        if (buffered < 0 || buffered > 64L * 1024 * 1024) {
            throw SidecarErrors.CONFIG_INVALID.exception("cluster '" + c.name()
                    + "' retry.maxBufferedBody must be between 0 and 67108864 (64 MiB), got " + buffered);
        }
        for (Endpoint e : c.endpoints()) {
            endpoint(c.name(), e);
        }
    }

    static void endpoint(String cluster, Endpoint e) {
        if (e.host().isBlank() || e.port() < 1 || e.port() > 65535) {
            throw SidecarErrors.BAD_ENDPOINT.exception(e, cluster, "host must be set and port between 1 and 65535");
        }
        if (e.weight() < 1) {
            throw SidecarErrors.BAD_ENDPOINT.exception(e, cluster, "weight must be at least 1");
        }
    }

    private static void listeners(SidecarConfig config, Set<String> clusters) {
        Set<String> names = new HashSet<>();
        for (ListenerConfig l : config.listeners()) {
            if (!names.add(l.name())) {
                throw SidecarErrors.DUPLICATE_NAME.exception("listener", l.name());
            }
            port("listener '" + l.name() + "' port", l.port(), 0);
            if (l.protocol() == ListenerConfig.Protocol.TCP) {
                required("listener '" + l.name() + "' cluster (TCP listeners forward to one cluster)", l.cluster());
            }
            if (l.cluster() != null && !clusters.contains(l.cluster())) {
                throw SidecarErrors.UNKNOWN_CLUSTER.exception(l.name(), l.cluster());
            }
        }
    }

    private static void services(SidecarConfig config) {
        Set<String> names = new HashSet<>();
        for (LocalServiceConfig s : config.services()) {
            required("services[].name", s.name());
            if (!names.add(s.name())) {
                throw SidecarErrors.DUPLICATE_NAME.exception("service", s.name());
            }
            port("service '" + s.name() + "' port", s.port(), 1);
        }
    }

    private static void port(String what, int port, int min) {
        if (port < min || port > 65535) {
            throw SidecarErrors.PORT_OUT_OF_RANGE.exception(what, port);
        }
    }

    private static void positive(String what, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw SidecarErrors.CONFIG_INVALID.exception(what + " must be a positive duration");
        }
    }

    private static void required(String what, String value) {
        if (value == null || value.isBlank()) {
            throw SidecarErrors.MISSING_FIELD.exception(what);
        }
    }
}
