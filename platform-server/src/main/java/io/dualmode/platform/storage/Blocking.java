package io.dualmode.platform.storage;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import reactor.core.publisher.Mono;

/**
 * Runs blocking JDBC work on a bounded pool of its own, never on an event loop. Work that has started always runs to
 * its end, even when the client goes away: cancelling never interrupts a thread inside the JDBC driver (an interrupt
 * closes H2's file channel and can break a connection of the other drivers), and a change either commits whole or
 * rolls back whole.
 */
@Component
public final class Blocking implements DisposableBean {

    /** As many threads as the default connection pool has connections; more would only wait for one. */
    private static final int THREADS = 10;

    private static final int QUEUE = 10_000;

    private final TransactionTemplate transactions;
    private final ThreadPoolExecutor executor;

    Blocking(TransactionTemplate transactions) {
        this.transactions = transactions;
        AtomicInteger count = new AtomicInteger();
        this.executor =
                new ThreadPoolExecutor(THREADS, THREADS, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
                    Thread t = new Thread(r, "platform-jdbc-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code work} in one transaction: all of it is committed, or none of it. */
    public <T> Mono<T> inTransaction(Supplier<T> work) {
        return call(() -> transactions.execute(status -> work.get()));
    }

    /** Runs blocking {@code work} that needs no transaction of its own. */
    public <T> Mono<T> call(Callable<T> work) {
        return Mono.fromFuture(() -> CompletableFuture.supplyAsync(() -> unchecked(work), executor), true)
                .onErrorMap(CompletionException.class, e -> e.getCause() == null ? e : e.getCause());
    }

    private static <T> T unchecked(Callable<T> work) {
        try {
            return work.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    @Override
    public void destroy() {
        executor.shutdown();
    }
}
