package io.dualmode.starter.springcloud;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The {@code dualmode.springcloud.*} properties: how the application registers and which group it discovers in. */
@ConfigurationProperties("dualmode.springcloud")
@Validated
public class DualmodeSpringCloudProperties {

    /** Whether the application registers itself once its web server has started. */
    private boolean register = true;

    /** The service name to register as; {@code spring.application.name} when empty. */
    private String service = "";

    /** The Nacos group services are registered and discovered in. */
    @NotBlank
    private String group = "DEFAULT_GROUP";

    /** The Nacos cluster the instance registers in. */
    @NotBlank
    private String cluster = "DEFAULT";

    /**
     * The address to register. Empty: in mesh mode {@code server.address} or 127.0.0.1 (only the local sidecar calls
     * the application); in SDK mode {@code server.address} if it names one address, else the first non-loopback one.
     */
    private String ip = "";

    /** The port to register; 0 registers the port the web server bound. */
    @Min(0)
    @Max(65535)
    private int port = 0;

    /** The instance's load-balancing weight. */
    @Positive
    private double weight = 1.0;

    /** The protocol the instance serves, published as {@code dualmode.protocol}: {@code http} or {@code h2}. */
    @NotBlank
    private String protocol = "http";

    /** Extra metadata registered with the instance, next to the {@code dualmode.*} entries. */
    private Map<String, String> metadata = new LinkedHashMap<>();

    public boolean isRegister() {
        return register;
    }

    public void setRegister(boolean register) {
        this.register = register;
    }

    public String getService() {
        return service;
    }

    public void setService(String service) {
        this.service = service;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public String getCluster() {
        return cluster;
    }

    public void setCluster(String cluster) {
        this.cluster = cluster;
    }

    public String getIp() {
        return ip;
    }

    public void setIp(String ip) {
        this.ip = ip;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public double getWeight() {
        return weight;
    }

    public void setWeight(double weight) {
        this.weight = weight;
    }

    public String getProtocol() {
        return protocol;
    }

    public void setProtocol(String protocol) {
        this.protocol = protocol;
    }

    public Map<String, String> getMetadata() {
        return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
        this.metadata = metadata;
    }
}
