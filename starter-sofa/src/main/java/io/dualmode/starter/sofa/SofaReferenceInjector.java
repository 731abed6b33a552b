package io.dualmode.starter.sofa;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.springframework.beans.BeansException;
import org.springframework.beans.PropertyValues;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.InstantiationAwareBeanPostProcessor;
import org.springframework.util.ReflectionUtils;

/**
 * Fills fields annotated {@link DualmodeSofaReference} with SOFARPC proxies before the bean's initialisation runs. The
 * {@link SofaRpcRuntime} is looked up on first use, so in mesh mode the first reference waits for the sidecar check.
 */
public class SofaReferenceInjector implements InstantiationAwareBeanPostProcessor {

    private final ObjectProvider<SofaRpcRuntime> runtime;

    public SofaReferenceInjector(ObjectProvider<SofaRpcRuntime> runtime) {
        this.runtime = runtime;
    }

    @Override
    public PropertyValues postProcessProperties(PropertyValues pvs, Object bean, String beanName)
            throws BeansException {
        ReflectionUtils.doWithFields(
                bean.getClass(),
                field -> inject(bean, beanName, field),
                field -> field.isAnnotationPresent(DualmodeSofaReference.class));
        return pvs;
    }

    private void inject(Object bean, String beanName, Field field) {
        if (Modifier.isStatic(field.getModifiers())) {
            throw new BeanCreationException(
                    beanName, "DUALMODE-0102 @DualmodeSofaReference cannot fill the static field " + field);
        }
        DualmodeSofaReference spec = field.getAnnotation(DualmodeSofaReference.class);
        Class<?> service = spec.interfaceType() == void.class ? field.getType() : spec.interfaceType();
        if (!service.isInterface() || !field.getType().isAssignableFrom(service)) {
            throw new BeanCreationException(
                    beanName,
                    "DUALMODE-0102 @DualmodeSofaReference on " + field + " needs an interface type assignable to"
                            + " the field, got " + service.getName());
        }
        Object proxy = runtime.getObject().refer(service, spec);
        ReflectionUtils.makeAccessible(field);
        ReflectionUtils.setField(field, bean, proxy);
    }
}
