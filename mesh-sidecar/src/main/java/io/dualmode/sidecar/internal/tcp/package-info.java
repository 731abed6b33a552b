/** The plain TCP pass-through listener: bytes relayed both ways to one endpoint of a cluster. */
package io.dualmode.sidecar.internal.tcp;
