/** Config key-value store with MD5 digests, compare-and-set publish and change listeners. */
package io.dualmode.registry.config;
