/** The HTTP/1.1 proxy: a strict head scanner that forwards raw bytes, and the forwarding handlers. */
package io.dualmode.sidecar.internal.http1;
