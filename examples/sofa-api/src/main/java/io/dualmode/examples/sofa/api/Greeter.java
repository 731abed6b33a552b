package io.dualmode.examples.sofa.api;

/** The service the SOFARPC examples serve over Bolt and call. */
public interface Greeter {

    /**
     * Greets someone, saying who answered and how the call arrived.
     *
     * @param name who to greet
     * @return {@code Hello <name>! provider=<application> instance=<host:port> mode=<sdk|mesh> caller=<address>}
     */
    String greet(String name);
}
