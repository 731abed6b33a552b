/** The gRPC front end of the Nacos 2.x client protocol: connections, request dispatch, server pushes. */
package io.dualmode.registry.remote;
