package io.dualmode.starter.springcloud;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.serviceregistry.Registration;

/**
 * What this application registers: service name, address and metadata (the {@code dualmode.*} entries included). The
 * port is filled in once the web server has bound it, unless {@code dualmode.springcloud.port} fixes it.
 */
public class DualmodeRegistration implements Registration {

    private final String serviceId;
    private final String host;
    private final String group;
    private final String cluster;
    private final double weight;
    private final Map<String, String> metadata;
    private volatile int port;

    public DualmodeRegistration(
            String serviceId,
            String host,
            int port,
            DualmodeSpringCloudProperties properties,
            Map<String, String> metadata) {
        this.serviceId = serviceId;
        this.host = host;
        this.port = port;
        this.group = properties.getGroup();
        this.cluster = properties.getCluster();
        this.weight = properties.getWeight();
        this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    @Override
    public String getInstanceId() {
        return host + ":" + port;
    }

    @Override
    public String getServiceId() {
        return serviceId;
    }

    @Override
    public String getHost() {
        return host;
    }

    @Override
    public int getPort() {
        return port;
    }

    /** Sets the port the web server bound. */
    public void setPort(int port) {
        this.port = port;
    }

    @Override
    public boolean isSecure() {
        return false;
    }

    @Override
    public URI getUri() {
        return DefaultServiceInstance.getUri(this);
    }

    @Override
    public Map<String, String> getMetadata() {
        return metadata;
    }

    /** The Nacos group registered in. */
    public String getGroup() {
        return group;
    }

    /** The Nacos cluster registered in. */
    public String getCluster() {
        return cluster;
    }

    /** The load-balancing weight. */
    public double getWeight() {
        return weight;
    }

    @Override
    public String toString() {
        return serviceId + "@" + host + ":" + port + " " + metadata;
    }
}
