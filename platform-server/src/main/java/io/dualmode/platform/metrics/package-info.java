/** Traffic metrics reported by sidecars: per service, per node, and the call graph. */
package io.dualmode.platform.metrics;
