package io.dualmode.it.dubbo;

/** The service the Dubbo applications share. */
public interface EchoService {

    /**
     * Echoes a message with what the provider saw of the call.
     *
     * @param message any text
     * @return {@code app=<provider app> caller=<remote host> local=<host:port> message=<message>}
     */
    String echo(String message);
}
