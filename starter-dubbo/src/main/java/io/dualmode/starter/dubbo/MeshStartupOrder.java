package io.dualmode.starter.dubbo;

import io.dualmode.starter.core.SidecarGuard;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.dubbo.config.spring.ReferenceBean;
import org.apache.dubbo.config.spring.ServiceBean;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.Ordered;

/**
 * Mesh mode: no Dubbo service bean or reference bean is created before the sidecar guard has seen the sidecar ready,
 * so nothing is exported, registered or subscribed while the sidecar is missing.
 */
class MeshStartupOrder implements BeanFactoryPostProcessor, Ordered {

    /** After Dubbo's own post-processors have registered the reference beans of {@code @DubboReference} fields. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    private static final Set<String> DUBBO_BEANS = Set.of(ServiceBean.class.getName(), ReferenceBean.class.getName());

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        for (String name : beanFactory.getBeanDefinitionNames()) {
            BeanDefinition definition = beanFactory.getBeanDefinition(name);
            String type = definition.getBeanClassName();
            if (type == null || !DUBBO_BEANS.contains(type)) {
                continue;
            }
            Set<String> dependsOn = new LinkedHashSet<>();
            if (definition.getDependsOn() != null) {
                dependsOn.addAll(Set.of(definition.getDependsOn()));
            }
            dependsOn.add(SidecarGuard.BEAN_NAME);
            definition.setDependsOn(dependsOn.toArray(String[]::new));
        }
    }
}
