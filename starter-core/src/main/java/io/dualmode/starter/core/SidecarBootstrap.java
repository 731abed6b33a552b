package io.dualmode.starter.core;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Mesh mode, as early as a context allows: launches the local sidecar when asked to and waits until it is ready,
 * before any bean is created and before any early event is published. It has to be this early because some
 * frameworks connect to their registry from an early event listener (Dubbo creates its Nacos config centre while the
 * context registers listeners), long before an ordinary bean could start the sidecar.
 */
public class SidecarBootstrap implements BeanFactoryPostProcessor, EnvironmentAware {

    /** The name the launcher is registered under, when the starter launches the sidecar. */
    public static final String LAUNCHER_BEAN_NAME = "dualmodeSidecarLauncher";

    private Environment environment;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        DualmodeProperties properties = Binder.get(environment).bindOrCreate("dualmode", DualmodeProperties.class);
        if (properties.getMode() != DualmodeMode.MESH) {
            return;
        }
        boolean launch = properties.getSidecar().isLaunch();
        if (launch && !beanFactory.containsBean(LAUNCHER_BEAN_NAME)) {
            SidecarLauncher launcher = new SidecarLauncher(properties);
            launcher.afterPropertiesSet();
            beanFactory.registerSingleton(LAUNCHER_BEAN_NAME, launcher);
            if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
                registry.registerDisposableBean(LAUNCHER_BEAN_NAME, launcher);
            }
        }
        if (properties.getSidecar().isCheckOnStartup()) {
            new SidecarGuard(properties, new SidecarProbe(properties), launch).afterPropertiesSet();
        }
    }
}
