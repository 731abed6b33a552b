package io.dualmode.sidecar.testing;

import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Allows the one blocking read gRPC's shaded Netty does in a static initialiser on its own event loop: reading the
 * version properties out of its jar the first time a connection reaches the registry agent's gRPC server. It happens
 * once per JVM, on gRPC's threads, never on the proxy's request path.
 */
public final class GrpcVersionBlockHoundIntegration implements BlockHoundIntegration {

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside("io.grpc.netty.shaded.io.netty.util.Version", "identify");
        builder.allowBlockingCallsInside(
                "com.alibaba.nacos.shaded.io.grpc.netty.shaded.io.netty.util.Version", "identify");
    }
}
