package io.dualmode.sidecar.protocol.dubbo;

import io.dualmode.sidecar.protocol.ErrorKind;

/** The status byte of a Dubbo response. Every value other than {@link #OK} carries a hessian2 error string. */
enum DubboStatus {
    OK(20),
    SERIALIZATION_ERROR(25),
    CLIENT_TIMEOUT(30),
    SERVER_TIMEOUT(31),
    CHANNEL_INACTIVE(35),
    BAD_REQUEST(40),
    BAD_RESPONSE(50),
    SERVICE_NOT_FOUND(60),
    SERVICE_ERROR(70),
    SERVER_ERROR(80),
    CLIENT_ERROR(90),
    SERVER_THREADPOOL_EXHAUSTED_ERROR(100);

    private final int code;

    DubboStatus(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    /** The status of an error reply; a 3.3 consumer turns each into an {@code RpcException} with our message. */
    static DubboStatus of(ErrorKind kind) {
        return switch (kind) {
            case NO_ROUTE -> SERVICE_NOT_FOUND;
            case OVERLOADED -> SERVER_THREADPOOL_EXHAUSTED_ERROR;
            case TIMEOUT -> SERVER_TIMEOUT;
            case BAD_REQUEST -> BAD_REQUEST;
            case DENIED, UPSTREAM_FAILURE -> SERVER_ERROR;
            case INTERNAL -> SERVICE_ERROR;
        };
    }
}
