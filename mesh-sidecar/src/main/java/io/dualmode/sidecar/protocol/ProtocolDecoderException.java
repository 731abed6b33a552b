package io.dualmode.sidecar.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * Thrown by a {@link ProtocolPlugin} when the bytes are not a valid frame. The {@link FrameDecoder} catches it,
 * counts it, logs it at debug level with the connection id and closes the connection: it never reaches the
 * rest of the pipeline.
 */
public final class ProtocolDecoderException extends DecoderException {

    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Reason {
        /** The frame does not start with the protocol's magic or version bytes. */
        BAD_MAGIC,
        /** A length field is negative or does not add up. */
        BAD_LENGTH,
        /** The frame is longer than the configured limit. */
        TOO_LARGE,
        /** A header field holds a value the protocol does not define. */
        BAD_HEADER
    }

    private final Reason reason;
    private final long frameLength;

    public ProtocolDecoderException(Reason reason, String message) {
        this(reason, message, -1);
    }

    private ProtocolDecoderException(Reason reason, String message, long frameLength) {
        super(message, null);
        this.reason = reason;
        this.frameLength = frameLength;
    }

    /**
     * A well-formed frame longer than the limit. Knowing its length lets the decoder skip it, after
     * {@link ProtocolPlugin#encodeOversizeReply}, instead of closing the connection.
     *
     * @param frameLength the whole frame's length, header included
     */
    public static ProtocolDecoderException tooLarge(long frameLength) {
        return new ProtocolDecoderException(Reason.TOO_LARGE, "frame of " + frameLength + " bytes", frameLength);
    }

    /** The length of a frame refused by {@link #tooLarge}, or -1. */
    public long frameLength() {
        return frameLength;
    }

    /** What was wrong with the bytes. */
    public Reason reason() {
        return reason;
    }

    /** No stack trace: these are expected on the data plane and must be cheap. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
