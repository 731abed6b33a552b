/** The HTTP/2 cleartext (prior knowledge) proxy, including gRPC, over multiplexed upstream connections. */
package io.dualmode.sidecar.internal.h2;
