package io.dualmode.registry.naming;

/** Told after the instance list of a service has changed. Must not block. */
@FunctionalInterface
public interface NamingListener {

    /** The instances of {@code key} changed. */
    void serviceChanged(ServiceKey key);
}
