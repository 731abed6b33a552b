/** Tests of the RPC proxy. */
package io.dualmode.sidecar.internal.rpc;
