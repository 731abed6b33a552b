package io.dualmode.starter.sofa;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * Exports every bean annotated {@link DualmodeSofaService} when the context has started, and unexports them (so they
 * are deregistered before the application stops serving) when it stops.
 */
public class SofaServiceExporter implements SmartLifecycle {

    private final ApplicationContext context;
    private final SofaRpcRuntime runtime;
    private volatile boolean running;

    public SofaServiceExporter(ApplicationContext context, SofaRpcRuntime runtime) {
        this.context = context;
        this.runtime = runtime;
    }

    @Override
    public void start() {
        Map<String, Object> beans = context.getBeansWithAnnotation(DualmodeSofaService.class);
        beans.forEach((name, bean) -> {
            DualmodeSofaService spec = context.findAnnotationOnBean(name, DualmodeSofaService.class);
            export(name, bean, spec);
        });
        running = true;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void export(String name, Object bean, DualmodeSofaService spec) {
        Class<?> service = serviceInterface(name, AopUtils.getTargetClass(bean), spec);
        runtime.export((Class) service, bean, spec);
    }

    /** The annotation's interface, or the one interface the bean's class implements. */
    static Class<?> serviceInterface(String beanName, Class<?> type, DualmodeSofaService spec) {
        if (spec.interfaceType() != void.class) {
            if (!spec.interfaceType().isInterface() || !spec.interfaceType().isAssignableFrom(type)) {
                throw new IllegalStateException("DUALMODE-0101 bean '" + beanName + "' (" + type.getName()
                        + ") is not a " + spec.interfaceType().getName()
                        + ": @DualmodeSofaService(interfaceType) must name an interface the bean implements");
            }
            return spec.interfaceType();
        }
        List<Class<?>> interfaces = Arrays.stream(type.getInterfaces())
                .filter(i -> !i.getName().startsWith("org.springframework."))
                .toList();
        if (interfaces.size() != 1) {
            throw new IllegalStateException("DUALMODE-0101 bean '" + beanName + "' (" + type.getName()
                    + ") implements " + interfaces.size() + " interfaces " + interfaces
                    + ": say which one to export with @DualmodeSofaService(interfaceType = ...)");
        }
        return interfaces.get(0);
    }

    @Override
    public void stop() {
        runtime.unexportAll();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Late: exported once everything else (a web server included) has started, unexported first. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
