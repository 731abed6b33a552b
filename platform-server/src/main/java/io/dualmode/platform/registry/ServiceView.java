package io.dualmode.platform.registry;

import java.util.List;

/**
 * One registered service and its instances.
 *
 * @param namespace the Nacos namespace
 * @param group the Nacos group
 * @param name the service name
 * @param instances its instances
 * @param meshInstances how many of them are in mesh mode
 */
public record ServiceView(
        String namespace, String group, String name, List<InstanceView> instances, long meshInstances) {}
