package io.dualmode.starter.dubbo;

import io.dualmode.starter.core.DualmodeMode;
import io.dualmode.starter.core.DualmodeProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Turns {@code dualmode.*} into Dubbo's own properties before Dubbo reads them, so the application needs no other
 * change.
 *
 * <ul>
 *   <li>{@code dubbo.registry.address=nacos://<effective registry address>[?namespace=…]}: the registry in SDK mode,
 *       the sidecar's local registry endpoint in mesh mode. Dubbo also uses it, by default, as config centre and
 *       metadata report. In SDK mode it is only a default: an application that already sets
 *       {@code dubbo.registry.address} keeps it (adding the starter to an existing Dubbo application changes
 *       nothing). In mesh mode it overrides the application's value, with a warning, because an instance that
 *       registered anywhere but its sidecar would not be in the mesh at all.
 *   <li>Mesh mode only, as defaults the application may override: interface-level registration and discovery
 *       ({@code dubbo.application.register-mode=interface},
 *       {@code dubbo.application.service-discovery.migration=FORCE_INTERFACE}). The sidecar routes Dubbo calls by
 *       interface, version and group, which only interface-level entries carry. An application that sets
 *       application-level discovery stays on the sidecars through the starter's Dubbo extensions (per-application
 *       listeners). And a 3 s client heartbeat and reconnect interval
 *       ({@code dubbo.consumer.parameters.heartbeat}, {@code …parameters.dubbo.application.least-reconnect-duration}):
 *       a consumer reconnects to a restarted sidecar within seconds instead of Dubbo's default minute.
 *   <li>{@code dubbo.dualmode.mode=<mode>}, overriding: the mode, where those Dubbo extensions can read it.
 * </ul>
 */
public class DubboModeEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /** The property source holding the values that win over the application's. */
    public static final String OVERRIDES = "dualmodeDubboOverrides";
    /** The property source holding the defaults the application may override. */
    public static final String DEFAULTS = "dualmodeDubboDefaults";

    static final String REGISTRY_ADDRESS = "dubbo.registry.address";
    static final String REGISTER_MODE = "dubbo.application.register-mode";
    static final String MIGRATION = "dubbo.application.service-discovery.migration";
    /**
     * Dubbo's client heartbeat (ms), as a consumer-wide URL parameter. A Dubbo client whose connection dropped is
     * reconnected by a timer that ticks every third of its idle timeout (three heartbeats), and not more often than
     * {@link #CONSUMER_LEAST_RECONNECT}: 60 s each by default. In mesh mode the consumer's only provider address is its
     * local sidecar, so after a sidecar restart every call would fail for up to a minute. The sidecar answers
     * heartbeats itself, so a short one costs a loopback round trip.
     */
    static final String CONSUMER_HEARTBEAT = "dubbo.consumer.parameters.heartbeat";
    /** The floor of Dubbo's reconnect interval, a URL parameter read under this (dotted) name. */
    static final String CONSUMER_LEAST_RECONNECT =
            "dubbo.consumer.parameters.dubbo.application.least-reconnect-duration";
    /** The mesh-mode default of both: a consumer reconnects to a restarted sidecar within ~3 s. */
    static final String MESH_RECONNECT_MS = "3000";
    /**
     * The mode, under {@code dubbo.} so that Dubbo copies it into its own configuration (Dubbo's Spring integration
     * hands every {@code dubbo.*} property to the {@code ApplicationModel}'s environment), where the starter's Dubbo
     * extensions ({@link DualmodeServiceInstanceCustomizer}, {@link MeshEndpointAddressListener}) read it.
     */
    static final String DUBBO_MODE = "dubbo.dualmode.mode";

    private static final String DUBBO_MARKER = "org.apache.dubbo.config.spring.ServiceBean";

    private final Log log;

    public DubboModeEnvironmentPostProcessor(DeferredLogFactory logFactory) {
        this.log = logFactory.getLog(DubboModeEnvironmentPostProcessor.class);
    }

    @Override
    public int getOrder() {
        // after the application's own configuration files are loaded
        return Ordered.LOWEST_PRECEDENCE;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        ClassLoader classLoader =
                application != null ? application.getClassLoader() : getClass().getClassLoader();
        if (!ClassUtils.isPresent(DUBBO_MARKER, classLoader)
                || !environment.getProperty("dubbo.enabled", Boolean.class, true)) {
            return;
        }
        DualmodeProperties properties = Binder.get(environment)
                .bind("dualmode", Bindable.of(DualmodeProperties.class))
                .orElseGet(DualmodeProperties::new);
        String registry = registryUrl(properties);

        Map<String, Object> defaults = new LinkedHashMap<>();
        Map<String, Object> overrides = new LinkedHashMap<>();
        overrides.put(DUBBO_MODE, properties.getMode().metadataValue());
        if (properties.getMode() == DualmodeMode.MESH) {
            String configured = environment.getProperty(REGISTRY_ADDRESS);
            if (configured != null && !configured.equals(registry)) {
                log.warn("dualmode.mode=mesh: Dubbo registers through the local sidecar, so " + REGISTRY_ADDRESS + "="
                        + configured + " is replaced by " + registry);
            }
            overrides.put(REGISTRY_ADDRESS, registry);
            defaults.put(REGISTER_MODE, "interface");
            defaults.put(MIGRATION, "FORCE_INTERFACE");
            defaults.put(CONSUMER_HEARTBEAT, MESH_RECONNECT_MS);
            defaults.put(CONSUMER_LEAST_RECONNECT, MESH_RECONNECT_MS);
        } else {
            defaults.put(REGISTRY_ADDRESS, registry);
        }
        environment.getPropertySources().addFirst(new MapPropertySource(OVERRIDES, overrides));
        environment.getPropertySources().addLast(new MapPropertySource(DEFAULTS, defaults));
    }

    /** {@code nacos://<effective address>}, with the namespace when one is set. */
    static String registryUrl(DualmodeProperties properties) {
        String namespace = properties.getRegistry().getNamespace();
        String url = "nacos://" + properties.effectiveRegistryAddress();
        return namespace == null || namespace.isBlank() ? url : url + "?namespace=" + namespace;
    }
}
