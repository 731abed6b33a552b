/** Naming: services, instances, subscriptions and change pushes, with Nacos semantics. */
package io.dualmode.registry.naming;
