/**
 * A service registry and config store speaking the Nacos 2.x client protocol. Start here: {@link
 * io.dualmode.registry.RegistryServer} to embed it, {@link io.dualmode.registry.RegistryMain} to run it.
 */
package io.dualmode.registry;
