/**
 * The push protocol's wire types: versioned resources scoped by service, and the request/response messages with
 * which a sidecar subscribes, ACKs and NACKs (xDS semantics), serialised as JSON by {@link
 * io.dualmode.governance.push.PushCodec}. The transport carrying them is not part of this package.
 */
package io.dualmode.governance.push;
