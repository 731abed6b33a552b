package io.dualmode.governance.rule;

/**
 * A condition on one header or RPC attachment: exactly one of {@code exact}, {@code prefix} and {@code regex}.
 *
 * @param name the header name, matched case-insensitively
 * @param exact the value must equal this
 * @param prefix the value must start with this
 * @param regex the whole value must match this Java regular expression
 */
public record HeaderMatch(String name, String exact, String prefix, String regex) {}
