/** Tests of the registry against real Nacos clients and raw protocol input. */
package io.dualmode.registry;
