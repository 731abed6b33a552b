package io.dualmode.registry.remote;

/** A request failed in a way the client is told with a Nacos error code. */
public final class RemoteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Nacos {@code SERVER_ERROR}. */
    public static final int SERVER_ERROR = 500;
    /** Nacos {@code UN_REGISTER}: the connection is not registered. */
    public static final int UN_REGISTER = 301;
    /** Nacos {@code NO_HANDLER}: unknown request type. */
    public static final int NO_HANDLER = 302;
    /** Nacos {@code INVALID_PARAM}. */
    public static final int INVALID_PARAM = 400;
    /** Nacos {@code BAD_GATEWAY}: the body cannot be parsed. */
    public static final int BAD_GATEWAY = 502;

    private final int code;

    public RemoteException(int code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** The Nacos error code. */
    public int code() {
        return code;
    }
}
