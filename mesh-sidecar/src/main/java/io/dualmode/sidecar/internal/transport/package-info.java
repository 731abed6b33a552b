/** Shared plumbing of the listeners: event loops and channel types, runtime state, routing, binding. */
package io.dualmode.sidecar.internal.transport;
