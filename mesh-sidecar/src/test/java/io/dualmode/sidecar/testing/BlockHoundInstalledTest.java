package io.dualmode.sidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BlockHoundInstalledTest {
    @Test
    void sleepingOnAnEventLoopIsReported() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            Throwable error = loop.submit(() -> {
                        try {
                            Thread.sleep(1);
                            return null;
                        } catch (Throwable t) {
                            return t;
                        }
                    })
                    .get(5, TimeUnit.SECONDS);
            assertThat(error).isNotNull().hasMessageContaining("Blocking call");
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
