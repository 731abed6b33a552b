/** Durable storage of persistent instances, service metadata and config under the data directory. */
package io.dualmode.registry.storage;
