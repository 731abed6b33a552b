package io.dualmode.sidecar.testing;

import java.util.Iterator;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import reactor.blockhound.BlockHound;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Installs BlockHound once per test JVM (auto-detected extension), so any blocking call on an event
 * loop fails the test. Integrations are loaded one by one, skipping broken entries, because
 * nacos-client ships a service entry for a Netty integration class it shaded away, which makes
 * {@code BlockHound.install()} (and blockhound-junit-platform) fail.
 */
public final class BlockHoundExtension implements BeforeAllCallback {
    static {
        BlockHound.Builder builder = BlockHound.builder();
        Iterator<BlockHoundIntegration> it =
                ServiceLoader.load(BlockHoundIntegration.class).iterator();
        while (hasNext(it)) {
            try {
                builder.with(it.next());
            } catch (ServiceConfigurationError broken) {
                // the shaded nacos-client entry; the real Netty integration is loaded separately
            }
        }
        builder.install();
    }

    private static boolean hasNext(Iterator<?> it) {
        while (true) {
            try {
                return it.hasNext();
            } catch (ServiceConfigurationError broken) {
                // skip and try the next entry
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // installation happens once, in the static initialiser
    }
}
