package io.dualmode.starter.springcloud;

import com.alibaba.nacos.api.exception.NacosException;
import com.alibaba.nacos.api.naming.NamingService;
import com.alibaba.nacos.api.naming.pojo.Instance;
import java.util.Locale;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.cloud.client.serviceregistry.ServiceRegistry;

/**
 * Spring Cloud's {@link ServiceRegistry} over nacos-client: an ephemeral instance, kept alive by nacos-client's
 * connection and registered again by it after a reconnect. Status {@code UP}/{@code DOWN} is the instance's
 * {@code enabled} flag, so a {@code DOWN} instance stays registered but receives no calls.
 */
public class DualmodeServiceRegistry implements ServiceRegistry<DualmodeRegistration> {

    private static final Log log = LogFactory.getLog(DualmodeServiceRegistry.class);
    static final String UP = "UP";
    static final String DOWN = "DOWN";

    private final NamingService naming;
    private volatile boolean enabled = true;

    public DualmodeServiceRegistry(NamingService naming) {
        this.naming = naming;
    }

    @Override
    public void register(DualmodeRegistration registration) {
        try {
            naming.registerInstance(registration.getServiceId(), registration.getGroup(), instance(registration));
            log.info("Registered " + registration);
        } catch (NacosException e) {
            if (refused(e)) {
                throw new IllegalStateException(
                        "DUALMODE-0103 cannot register " + registration + ": " + e.getErrMsg(), e);
            }
            // nacos-client keeps the instance for its redo task, which registers it as soon as the server answers.
            log.warn("DUALMODE-0103 the registration of " + registration + " is not confirmed yet (" + e.getErrMsg()
                    + "); nacos-client retries it in the background");
        }
    }

    /** Whether the instance was rejected (bad or forbidden), as opposed to the server not answering in time. */
    private static boolean refused(NacosException e) {
        int code = e.getErrCode();
        return code == NacosException.INVALID_PARAM
                || code == NacosException.CLIENT_INVALID_PARAM
                || code == NacosException.NO_RIGHT
                || code == NacosException.CONFLICT;
    }

    @Override
    public void deregister(DualmodeRegistration registration) {
        try {
            naming.deregisterInstance(registration.getServiceId(), registration.getGroup(), instance(registration));
            log.info("Deregistered " + registration);
        } catch (NacosException e) {
            log.warn("DUALMODE-0103 cannot deregister " + registration + ": " + e.getErrMsg());
        }
    }

    @Override
    public void close() {
        // The naming service is a bean of its own and shut down with the context.
    }

    @Override
    public void setStatus(DualmodeRegistration registration, String status) {
        String s = status.toUpperCase(Locale.ROOT);
        if (!s.equals(UP) && !s.equals(DOWN)) {
            throw new IllegalArgumentException("status must be UP or DOWN, got " + status);
        }
        enabled = s.equals(UP);
        register(registration);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getStatus(DualmodeRegistration registration) {
        return (T) (enabled ? UP : DOWN);
    }

    Instance instance(DualmodeRegistration registration) {
        Instance instance = new Instance();
        instance.setIp(registration.getHost());
        instance.setPort(registration.getPort());
        instance.setWeight(registration.getWeight());
        instance.setClusterName(registration.getCluster());
        instance.setEphemeral(true);
        instance.setEnabled(enabled);
        instance.setHealthy(true);
        instance.setMetadata(new java.util.LinkedHashMap<>(registration.getMetadata()));
        return instance;
    }
}
