package io.dualmode.starter.sofa;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/** The {@code dualmode.sofa.*} properties: how SOFARPC serves and calls Bolt services. */
@ConfigurationProperties("dualmode.sofa")
@Validated
public class DualmodeSofaProperties {

    /** nacos-client's start-up connection check timeout, in milliseconds. */
    static final String SERVER_CHECK_TIMEOUT = "nacos.remote.client.grpc.server.check.timeout";

    /** nacos-client's timeout of each naming request, in milliseconds. */
    static final String REQUEST_TIMEOUT = "namingRequestTimeout";

    /** Whether the starter exports and refers SOFARPC services. */
    private boolean enabled = true;

    /** The application name SOFARPC registers with; {@code spring.application.name} when empty. */
    private String applicationName;

    /**
     * The Nacos namespace of SOFARPC's registry; when empty, {@code dualmode.registry.namespace} if set there, else
     * SOFARPC's own default {@code sofa-rpc}.
     */
    private String namespace;

    /** How long a reference waits for a reply unless its annotation says otherwise. */
    @NotNull
    private Duration defaultTimeout = Duration.ofSeconds(3);

    /** How many times a reference retries a failed call on another provider. */
    @Min(0)
    private int retries = 0;

    /**
     * Extra nacos-client properties for SOFARPC's Nacos registry ({@code username}, {@code password},
     * {@code nacos.remote.client.grpc.*}, …). By default the start-up connection check and each registry request
     * wait 10 s instead of nacos-client's 3 s: on a busy machine, and in mesh mode where the sidecar relays the first
     * request of a namespace while it connects upstream, 3 s fail start-up with "Client not connected" or a timeout.
     */
    private Map<String, String> registryParameters =
            new LinkedHashMap<>(Map.of(SERVER_CHECK_TIMEOUT, "10000", REQUEST_TIMEOUT, "10000"));

    /** The Bolt server that serves exported services. */
    @Valid
    private final Bolt bolt = new Bolt();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getApplicationName() {
        return applicationName;
    }

    public void setApplicationName(String applicationName) {
        this.applicationName = applicationName;
    }

    public String getNamespace() {
        return namespace;
    }

    public void setNamespace(String namespace) {
        this.namespace = namespace;
    }

    public Duration getDefaultTimeout() {
        return defaultTimeout;
    }

    public void setDefaultTimeout(Duration defaultTimeout) {
        this.defaultTimeout = defaultTimeout;
    }

    public int getRetries() {
        return retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
    }

    public Map<String, String> getRegistryParameters() {
        return registryParameters;
    }

    public void setRegistryParameters(Map<String, String> registryParameters) {
        this.registryParameters = registryParameters;
    }

    public Bolt getBolt() {
        return bolt;
    }

    /** The Bolt server. */
    public static class Bolt {

        /** The port the Bolt server listens on. */
        @Min(1)
        @Max(65535)
        private int port = 12200;

        /** The address the Bolt server binds; {@code 0.0.0.0} for every interface. */
        @NotBlank
        private String bindHost = "0.0.0.0";

        /**
         * The host registered for this instance; by default the bind host, or the machine's address when binding
         * every interface (SOFARPC replaces a loopback or wildcard host by the machine's address unless told).
         */
        private String registeredHost;

        public int getPort() {
            return port;
        }

        public void setPort(int port) {
            this.port = port;
        }

        public String getBindHost() {
            return bindHost;
        }

        public void setBindHost(String bindHost) {
            this.bindHost = bindHost;
        }

        public String getRegisteredHost() {
            return registeredHost;
        }

        public void setRegisteredHost(String registeredHost) {
            this.registeredHost = registeredHost;
        }
    }
}
