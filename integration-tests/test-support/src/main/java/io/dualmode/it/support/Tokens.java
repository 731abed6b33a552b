package io.dualmode.it.support;

import java.util.UUID;

/** Fresh names per run, so an application left over from an earlier run can never answer. */
public final class Tokens {

    private Tokens() {}

    /**
     * A name unique to this run.
     *
     * @param prefix what the name is for, e.g. {@code it-provider}
     * @return {@code prefix-} followed by 8 random hex digits
     */
    public static String fresh(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
