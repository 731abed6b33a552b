package io.dualmode.bench.dubbo;

import java.util.concurrent.CompletableFuture;

/** The service {@link DubboBench} calls: echoes its payload. */
public interface Echo {

    /** For the closed-loop modes: the calling thread waits for the reply. */
    byte[] echo(byte[] payload);

    /**
     * For the fixed-rate mode: Dubbo sends the call and completes the future when the reply arrives, so one thread can
     * keep many calls in flight.
     */
    CompletableFuture<byte[]> echoAsync(byte[] payload);
}
