/** The closed- and open-loop call drivers shared by the RPC load generators: {@link io.dualmode.bench.rpc.RpcLoad}. */
package io.dualmode.bench.rpc;
