package io.dualmode.sidecar.protocol.dubbo;

/** Offsets and bits of the 16-byte Dubbo header. */
final class DubboHeader {

    static final int LENGTH = 16;
    static final int MAGIC = 0xdabb;
    static final int MAGIC_HIGH = 0xda;

    static final int FLAG_OFFSET = 2;
    static final int STATUS_OFFSET = 3;
    static final int ID_OFFSET = 4;
    static final int BODY_LENGTH_OFFSET = 12;

    static final int FLAG_REQUEST = 0x80;
    static final int FLAG_TWO_WAY = 0x40;
    static final int FLAG_EVENT = 0x20;
    static final int SERIALIZATION_MASK = 0x1f;
    static final int HESSIAN2 = 2;

    /** The hessian2 null that is a heartbeat's whole body. */
    static final int HESSIAN2_NULL = 'N';

    /** Dubbo refuses event bodies longer than this. */
    static final int MAX_EVENT_BODY = 15;

    /** Dubbo's default {@code payload} limit, 8 MiB. */
    static final int DEFAULT_MAX_BODY = 8 * 1024 * 1024;

    private DubboHeader() {}
}
