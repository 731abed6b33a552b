package io.dualmode.examples.dubbo.api;

import org.apache.dubbo.common.stream.StreamObserver;

/**
 * Server streaming, which only Dubbo's Triple protocol carries: the provider serves it when its protocol is {@code tri}
 * ({@code dubbo.protocol.name=tri}), the consumer calls it with {@code dualmode.example.stream=true}.
 */
public interface GreeterStream {

    /** The Dubbo service version both examples use. */
    String VERSION = "1.0.0";

    /**
     * Greets each of the comma-separated {@code names}, one reply per name, as {@link Greeter#greet} does, then
     * completes.
     */
    void greetEach(String names, StreamObserver<String> replies);
}
