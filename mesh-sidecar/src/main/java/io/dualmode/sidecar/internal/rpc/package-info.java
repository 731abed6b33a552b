/**
 * The RPC proxy for header-only protocol plug-ins (Dubbo, Bolt): {@link io.dualmode.sidecar.internal.rpc.RpcListener}
 * is the starting point, {@link io.dualmode.sidecar.internal.rpc.RouteTable} maps routing keys to clusters.
 */
package io.dualmode.sidecar.internal.rpc;
