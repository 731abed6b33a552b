package io.dualmode.governance.rule;

import java.util.List;

/**
 * Which calls a route, limit, breaker or fault applies to: every condition given must hold.
 *
 * @param methods the RPC methods (or HTTP paths) accepted; absent or empty means any
 * @param headers header (or RPC attachment) conditions that must all hold
 */
public record RequestMatch(List<String> methods, List<HeaderMatch> headers) {

    public RequestMatch {
        methods = Copies.list(methods);
        headers = Copies.list(headers);
    }
}
