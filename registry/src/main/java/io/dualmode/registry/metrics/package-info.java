/** Every meter the registry publishes, declared in one place. */
package io.dualmode.registry.metrics;
