/** Helpers shared by the built-in protocol plug-ins; not an extension point and may change at any time. */
package io.dualmode.sidecar.protocol.internal;
