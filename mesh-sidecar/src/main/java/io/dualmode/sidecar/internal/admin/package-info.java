/** The admin endpoint on 127.0.0.1: config dump, clusters, listeners, stats, metrics, readiness, log level, mode. */
package io.dualmode.sidecar.internal.admin;
