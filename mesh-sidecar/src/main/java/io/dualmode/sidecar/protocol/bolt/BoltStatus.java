package io.dualmode.sidecar.protocol.bolt;

/** The response status codes a Bolt client understands; any other value breaks its decoder. */
enum BoltStatus {
    SUCCESS(0x00),
    ERROR(0x01),
    SERVER_EXCEPTION(0x02),
    UNKNOWN(0x03),
    SERVER_THREADPOOL_BUSY(0x04),
    ERROR_COMM(0x05),
    NO_PROCESSOR(0x06),
    TIMEOUT(0x07),
    CLIENT_SEND_ERROR(0x08),
    CODEC_EXCEPTION(0x09),
    CONNECTION_CLOSED(0x10),
    SERVER_SERIAL_EXCEPTION(0x11),
    SERVER_DESERIAL_EXCEPTION(0x12);

    private final int code;

    BoltStatus(int code) {
        this.code = code;
    }

    int code() {
        return code;
    }

    static boolean isKnown(int code) {
        for (BoltStatus status : values()) {
            if (status.code == code) {
                return true;
            }
        }
        return false;
    }
}
