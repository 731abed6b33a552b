package io.dualmode.starter.springcloud;

import io.dualmode.starter.core.DualmodeMode;
import io.dualmode.starter.core.DualmodeProperties;
import org.springframework.cloud.commons.util.InetUtils;
import org.springframework.core.env.Environment;

/** Which address the application registers. */
final class RegistrationAddress {

    private RegistrationAddress() {}

    /**
     * {@code dualmode.springcloud.ip} when set; else {@code server.address} when it names one address; else, in mesh
     * mode, 127.0.0.1 (only the local sidecar calls the application) and in SDK mode the first non-loopback address.
     */
    static String host(
            DualmodeProperties dualmode,
            DualmodeSpringCloudProperties properties,
            Environment environment,
            InetUtils inetUtils) {
        if (!properties.getIp().isBlank()) {
            return properties.getIp();
        }
        String server = environment.getProperty("server.address", "");
        if (!server.isBlank() && !server.equals("0.0.0.0") && !server.equals("::")) {
            return server;
        }
        if (dualmode.getMode() == DualmodeMode.MESH) {
            return "127.0.0.1";
        }
        return inetUtils.findFirstNonLoopbackHostInfo().getIpAddress();
    }
}
