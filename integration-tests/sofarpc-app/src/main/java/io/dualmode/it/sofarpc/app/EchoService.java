package io.dualmode.it.sofarpc.app;

/** The service the SOFARPC applications share. */
public interface EchoService {

    /**
     * Echoes a message with what the provider saw of the call.
     *
     * @param message any text
     * @return {@code app=<provider app> caller=<remote host> message=<message>}
     */
    String echo(String message);

    /**
     * Echoes a message as {@link #echo} does, after holding the call: a provider slower than the caller's timeout.
     *
     * @param message any text
     * @param delayMillis how long the provider works before it answers
     * @return what {@link #echo} returns
     */
    String echoAfter(String message, int delayMillis);
}
