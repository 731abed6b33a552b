package io.dualmode.governance.push;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.dualmode.governance.validation.GovernanceJson;
import io.dualmode.governance.validation.ViolationCode;
import java.io.IOException;

/**
 * Writes and reads push messages as UTF-8 JSON. Reading ignores fields it does not know, so either side may be
 * upgraded first; rule bodies inside resources stay strict, because they are checked by the validator.
 */
public final class PushCodec {

    private static final ObjectWriter WRITER = GovernanceJson.mapper().writerFor(PushMessage.class);
    private static final ObjectReader READER = GovernanceJson.mapper()
            .readerFor(PushMessage.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private PushCodec() {}

    /** The JSON form of a message, with its {@code type}. */
    public static byte[] encode(PushMessage message) {
        try {
            return WRITER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("push messages are always serialisable", e);
        }
    }

    /** Reads one message; throws {@link MalformedPushMessageException} when it is not one. */
    public static PushMessage decode(byte[] json) {
        try {
            PushMessage message = READER.readValue(json);
            if (message == null) {
                throw new MalformedPushMessageException("a push message must be a JSON object, not null");
            }
            return message;
        } catch (JsonProcessingException e) {
            throw new MalformedPushMessageException(e.getOriginalMessage());
        } catch (IOException e) {
            throw new MalformedPushMessageException(e.getMessage());
        }
    }

    /** A push message that could not be read; its code is {@link ViolationCode#MALFORMED_PUSH_MESSAGE}. */
    public static final class MalformedPushMessageException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        MalformedPushMessageException(String detail) {
            super(ViolationCode.MALFORMED_PUSH_MESSAGE.code() + " malformed push message: " + detail);
        }
    }
}
