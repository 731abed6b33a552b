package io.dualmode.sidecar.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalPeersOnlyTest {

    @Test
    void loopbackAndThisHostsAddressesAreLocalOthersAreNot() throws Exception {
        InetAddress own = InetAddress.getByName("10.1.2.3");
        Set<InetAddress> host = Set.of(own);
        assertThat(LocalPeersOnly.isLocal(InetAddress.getByName("127.0.0.5"), host))
                .isTrue();
        assertThat(LocalPeersOnly.isLocal(InetAddress.getByName("::1"), host)).isTrue();
        assertThat(LocalPeersOnly.isLocal(own, host)).isTrue();
        assertThat(LocalPeersOnly.isLocal(InetAddress.getByName("10.1.2.4"), host))
                .isFalse();
        assertThat(LocalPeersOnly.isLocal(null, host)).isFalse();
    }

    @Test
    void theHostsOwnAddressesIncludeLoopback() {
        assertThat(LocalPeersOnly.hostAddresses()).anyMatch(InetAddress::isLoopbackAddress);
    }
}
