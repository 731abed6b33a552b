package io.dualmode.sidecar.config;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;

/**
 * One listener. Egress listeners route by service name to the cluster of that name; ingress
 * listeners route to the local application's services; a TCP listener forwards to {@code cluster}.
 */
@JsonDeserialize(builder = ListenerConfig.Builder.class)
public record ListenerConfig(
        String name,
        Direction direction,
        Protocol protocol,
        String address,
        int port,
        String cluster,
        java.util.List<String> protocols) {

    /** Protocol plug-in names are copied; {@code null} means none. */
    public ListenerConfig {
        protocols = protocols == null ? java.util.List.of() : java.util.List.copyOf(protocols);
    }

    /** A listener without protocol plug-in names. */
    public ListenerConfig(
            String name, Direction direction, Protocol protocol, String address, int port, String cluster) {
        this(name, direction, protocol, address, port, cluster, java.util.List.of());
    }

    /** Which way traffic flows through the listener. */
    public enum Direction {
        /** From the local application out to other services. */
        EGRESS,
        /** From other instances in to the local application. */
        INGRESS
    }

    /** The protocol a listener speaks. */
    public enum Protocol {
        /** HTTP/1.1. */
        HTTP,
        /** HTTP/2 with prior knowledge (h2c), including gRPC. */
        H2,
        /** Opaque TCP bytes. */
        TCP,
        /** Dubbo 2 RPC frames ({@code dubbo} plug-in). */
        DUBBO,
        /** SOFA Bolt RPC frames ({@code bolt} plug-in). */
        BOLT,
        /** RPC frames of the plug-ins named in {@code protocols}, detected per connection (all plug-ins if empty). */
        RPC
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ListenerConfig}; defaults: egress, HTTP, 127.0.0.1, port 0. */
    @JsonPOJOBuilder(withPrefix = "")
    public static final class Builder {
        private String name;
        private Direction direction = Direction.EGRESS;
        private Protocol protocol = Protocol.HTTP;
        private String address;
        private int port;
        private String cluster;
        private java.util.List<String> protocols;

        Builder() {}

        /** The protocol plug-ins an {@code RPC} listener detects. */
        public Builder protocols(java.util.List<String> protocols) {
            this.protocols = protocols;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        public Builder direction(Direction direction) {
            this.direction = direction;
            return this;
        }

        public Builder protocol(Protocol protocol) {
            this.protocol = protocol;
            return this;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder cluster(String cluster) {
            this.cluster = cluster;
            return this;
        }

        public ListenerConfig build() {
            String addr = address != null ? address : "127.0.0.1";
            String n = name != null
                    ? name
                    : direction.name().toLowerCase() + "-" + protocol.name().toLowerCase();
            return new ListenerConfig(n, direction, protocol, addr, port, cluster, protocols);
        }
    }
}
