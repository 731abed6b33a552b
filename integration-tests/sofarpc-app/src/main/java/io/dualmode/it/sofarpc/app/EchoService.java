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
}
