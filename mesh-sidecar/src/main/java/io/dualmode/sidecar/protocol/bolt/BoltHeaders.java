package io.dualmode.sidecar.protocol.bolt;

import io.dualmode.sidecar.protocol.ProtocolDecoderException;
import io.dualmode.sidecar.protocol.ProtocolDecoderException.Reason;
import io.dualmode.sidecar.protocol.RoutingKey;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The few entries of a SOFARPC header map the proxy needs. The map is pairs of int32 length + UTF-8 bytes, key
 * then value, with no count; a length of -1 is null.
 */
final class BoltHeaders {

    static final String SERVICE = "service";
    static final String TARGET_SERVICE = "sofa_head_target_service";
    static final String METHOD = "sofa_head_method_name";
    static final String RESPONSE_ERROR = "sofa_head_response_error";

    private static final byte[] SERVICE_KEY = ascii(SERVICE);
    private static final byte[] TARGET_SERVICE_KEY = ascii(TARGET_SERVICE);
    private static final byte[] METHOD_KEY = ascii(METHOD);
    private static final byte[] RESPONSE_ERROR_KEY = ascii(RESPONSE_ERROR);
    private static final byte[] TRUE = ascii("true");

    private String service;
    private String targetService;
    private String method;
    private boolean responseError;

    private BoltHeaders() {}

    private static byte[] ascii(String value) {
        return value.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads the map in {@code [start, start + length)}, which lies inside the frame. */
    static BoltHeaders read(ByteBuf buf, int start, int length) {
        BoltHeaders headers = new BoltHeaders();
        int end = start + length;
        int position = start;
        while (position < end) {
            int keyLength = entryLength(buf, position, end);
            int keyStart = position + 4;
            int valueAt = keyStart + Math.max(keyLength, 0);
            int valueLength = entryLength(buf, valueAt, end);
            if (keyLength > 0 && valueLength >= 0) {
                headers.accept(buf, keyStart, keyLength, valueAt + 4, valueLength);
            }
            position = valueAt + 4 + Math.max(valueLength, 0);
        }
        return headers;
    }

    private static int entryLength(ByteBuf buf, int position, int end) {
        if (end - position < 4) {
            throw new ProtocolDecoderException(Reason.BAD_HEADER, "Bolt header map cut inside a length");
        }
        int length = buf.getInt(position);
        if (length < -1 || length > end - position - 4) {
            throw new ProtocolDecoderException(Reason.BAD_HEADER, "Bolt header entry of length " + length);
        }
        return length;
    }

    private void accept(ByteBuf buf, int key, int keyLength, int value, int valueLength) {
        if (matches(buf, key, keyLength, SERVICE_KEY)) {
            service = string(buf, value, valueLength);
        } else if (matches(buf, key, keyLength, TARGET_SERVICE_KEY)) {
            targetService = string(buf, value, valueLength);
        } else if (matches(buf, key, keyLength, METHOD_KEY)) {
            method = string(buf, value, valueLength);
        } else if (matches(buf, key, keyLength, RESPONSE_ERROR_KEY)) {
            responseError = matches(buf, value, valueLength, TRUE);
        }
    }

    private static boolean matches(ByteBuf buf, int index, int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.getByte(index + i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static String string(ByteBuf buf, int index, int length) {
        return buf.toString(index, length, StandardCharsets.UTF_8);
    }

    /**
     * The routing key: {@code service} (else {@code sofa_head_target_service}) holds
     * {@code interface:version[:uniqueId]}, the method comes from {@code sofa_head_method_name}.
     */
    RoutingKey routingKey() {
        String target = service != null ? service : targetService;
        if (target == null || target.isEmpty()) {
            return method == null ? RoutingKey.NONE : new RoutingKey("", "", "", method);
        }
        String[] parts = target.split(":", 3);
        return new RoutingKey(parts[0], part(parts, 1), part(parts, 2), method);
    }

    private static String part(String[] parts, int index) {
        return parts.length > index ? parts[index] : "";
    }

    boolean responseError() {
        return responseError;
    }

    /** The value of the first entry named {@code key} in the map at {@code [start, start + length)}, or null. */
    static String find(ByteBuf buf, int start, int length, byte[] key) {
        int end = start + length;
        int position = start;
        while (position + 4 <= end) {
            int keyLength = buf.getInt(position);
            int keyStart = position + 4;
            int valueAt = keyStart + Math.max(keyLength, 0);
            if (keyLength < -1 || valueAt + 4 > end) {
                return null;
            }
            int valueLength = buf.getInt(valueAt);
            if (valueLength < -1 || valueAt + 4 + Math.max(valueLength, 0) > end) {
                return null;
            }
            if (keyLength >= 0 && matches(buf, keyStart, keyLength, key)) {
                return valueLength < 0 ? null : string(buf, valueAt + 4, valueLength);
            }
            position = valueAt + 4 + Math.max(valueLength, 0);
        }
        return null;
    }

    /** One map entry, {@code key} then {@code value}, encoded. */
    static byte[] entry(String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[8 + k.length + v.length];
        java.nio.ByteBuffer.wrap(out).putInt(k.length).put(k).putInt(v.length).put(v);
        return out;
    }
}
