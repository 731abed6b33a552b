package io.dualmode.registry.config;

/** A compare-and-set publish whose expected MD5 no longer matches the stored value. */
public final class CasMismatchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CasMismatchException(String message) {
        super(message, null, false, false);
    }
}
