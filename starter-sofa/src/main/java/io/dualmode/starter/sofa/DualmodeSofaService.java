package io.dualmode.starter.sofa;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Exports a Spring bean as a SOFARPC service over Bolt, registered through SOFARPC's Nacos registry: at the registry in
 * SDK mode, at the local sidecar in mesh mode. Put it on the implementation class of a bean:
 *
 * <pre>{@code
 * @Service
 * @DualmodeSofaService(uniqueId = "v1")
 * class GreeterImpl implements Greeter { ... }
 * }</pre>
 *
 * <p>Services are exported when the application context has started and unexported (deregistered) when it closes.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DualmodeSofaService {

    /** The service interface; by default the one interface the bean's class implements. */
    Class<?> interfaceType() default void.class;

    /**
     * SOFARPC's uniqueId, which tells apart two implementations of one interface; empty for none. Property
     * placeholders ({@code ${greeter.unique-id}}) are resolved.
     */
    String uniqueId() default "";

    /** Server-side timeout in milliseconds; negative for SOFARPC's default. */
    int timeout() default -1;
}
