package io.dualmode.sidecar.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows what gRPC does on its own event loops that BlockHound would take for blocking: reading the version
 * properties out of its jar in a static initialiser, once per JVM, the first time a connection reaches a gRPC server
 * (the registry's, the registry agent's); and handing a finished call over to the server's executor
 * ({@code SerializingExecutor.schedule} offers it to a {@code ThreadPoolExecutor}'s queue, whose short lock BlockHound
 * reports as a park when another thread holds it; the call then never completed and its client waited out its
 * timeout, a flake seen in SofaMeshApiIntegrationTest). Neither is on the proxy's request path.
 */
public final class GrpcBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.grpc.netty.shaded.io.netty.util.Version", "identify");
        builder.allowBlockingCallsInside(
                "com.alibaba.nacos.shaded.io.grpc.netty.shaded.io.netty.util.Version", "identify");
        builder.allowBlockingCallsInside("io.grpc.internal.SerializingExecutor", "schedule");
        builder.allowBlockingCallsInside("com.alibaba.nacos.shaded.io.grpc.internal.SerializingExecutor", "schedule");
    }
}
