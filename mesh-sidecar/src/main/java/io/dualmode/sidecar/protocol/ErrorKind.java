package io.dualmode.sidecar.protocol;

/** Why the sidecar answers a request itself; each plug-in maps these to its protocol's own status codes. */
public enum ErrorKind {
    /** No route matched, or the route has no healthy upstream. */
    NO_ROUTE,
    /** A rate limit, circuit breaker or queue bound refused the request. */
    OVERLOADED,
    /** The upstream did not answer within the timeout. */
    TIMEOUT,
    /** The request could not be understood well enough to route it. */
    BAD_REQUEST,
    /** An access-control rule denied the call. */
    DENIED,
    /** The upstream connection failed or closed before the response. */
    UPSTREAM_FAILURE,
    /** Anything else that went wrong inside the sidecar. */
    INTERNAL
}
