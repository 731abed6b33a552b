package io.dualmode.starter.sofa.demo;

/** The service the starter tests export and call. */
public interface Greeter {

    /** A greeting naming the application that answered. */
    String greet(String name);
}
