package io.dualmode.starter.sofa;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects a SOFARPC reference (a Bolt client proxy) into a field of a Spring bean. The reference discovers its
 * providers through SOFARPC's Nacos registry: at the registry in SDK mode, at the local sidecar in mesh mode, where
 * every call goes to the sidecar.
 *
 * <pre>{@code
 * @DualmodeSofaReference(uniqueId = "v1", timeout = 2000)
 * private Greeter greeter;
 * }</pre>
 *
 * <p>Fields naming the same interface, uniqueId and timeout share one reference.
 */
@Target(ElementType.FIELD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface DualmodeSofaReference {

    /** The service interface; by default the field's type. */
    Class<?> interfaceType() default void.class;

    /**
     * SOFARPC's uniqueId of the wanted implementation; empty for none. Property
     * placeholders ({@code ${greeter.unique-id}}) are resolved.
     */
    String uniqueId() default "";

    /** Call timeout in milliseconds; negative for {@code dualmode.sofa.default-timeout}. */
    int timeout() default -1;
}
