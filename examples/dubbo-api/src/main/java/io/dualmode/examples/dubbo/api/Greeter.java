package io.dualmode.examples.dubbo.api;

/** The example service. */
public interface Greeter {

    /** The Dubbo service version both examples use. */
    String VERSION = "1.0.0";

    /**
     * Greets {@code name}.
     *
     * @return who answered: provider application, instance, mode and the caller address it saw
     */
    String greet(String name);
}
