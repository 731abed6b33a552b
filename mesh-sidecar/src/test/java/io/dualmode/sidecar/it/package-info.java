/** End-to-end tests of the sidecar on loopback with real servers and clients (HTTP/1.1, gRPC, TCP). */
package io.dualmode.sidecar.it;
