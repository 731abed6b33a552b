package io.dualmode.sidecar.internal.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards an egress listener that has to listen on a host address (Dubbo's, because Dubbo clients dial the host's
 * address in place of a loopback one): only connections from this host get the listener's pipeline; others are closed
 * at once, so the sidecar is never an open proxy for the network.
 */
@ChannelHandler.Sharable
final class LocalPeersOnly extends ChannelInitializer<Channel> {

    private static final Logger log = LoggerFactory.getLogger(LocalPeersOnly.class);

    private final ChannelHandler listener;
    private final Set<InetAddress> hostAddresses;

    LocalPeersOnly(ChannelHandler listener, Set<InetAddress> hostAddresses) {
        this.listener = listener;
        this.hostAddresses = Set.copyOf(hostAddresses);
    }

    @Override
    protected void initChannel(Channel ch) {
        if (ch.remoteAddress() instanceof InetSocketAddress remote && isLocal(remote.getAddress(), hostAddresses)) {
            ch.pipeline().addLast(listener);
            return;
        }
        if (log.isDebugEnabled()) {
            log.debug(
                    "[{}] egress refuses a peer from another host: {}", ch.id().asShortText(), ch.remoteAddress());
        }
        ch.close();
    }

    /** Whether a peer at {@code address} runs on this host. */
    static boolean isLocal(InetAddress address, Set<InetAddress> hostAddresses) {
        return address != null
                && (address.isLoopbackAddress() || address.isAnyLocalAddress() || hostAddresses.contains(address));
    }

    /** Every address of this host's interfaces, read once when a guarded listener binds. */
    static Set<InetAddress> hostAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                out.addAll(Collections.list(nic.getInetAddresses()));
            }
        } catch (SocketException e) {
            log.warn(
                    "cannot list this host's addresses ({}); egress on a host address accepts loopback peers only",
                    e.toString());
        }
        return out;
    }
}
