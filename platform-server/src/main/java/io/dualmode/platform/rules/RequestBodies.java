package io.dualmode.platform.rules;

import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads a request body into bytes, refusing more than a limit without buffering it. */
final class RequestBodies {

    private RequestBodies() {}

    static Mono<byte[]> read(HttpHeaders headers, Flux<DataBuffer> body, int maxBytes) {
        if (headers.getContentLength() > maxBytes) {
            return Mono.error(tooLarge(headers.getContentLength(), maxBytes));
        }
        return DataBufferUtils.join(body, maxBytes)
                .map(RequestBodies::bytes)
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, e -> tooLarge(-1, maxBytes));
    }

    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static ApiException tooLarge(long length, int maxBytes) {
        String size = length < 0 ? "more than " + maxBytes : Long.toString(length);
        return new ApiException(
                PlatformError.DOCUMENT_TOO_LARGE,
                "the document is " + size + " bytes; at most " + maxBytes
                        + " are allowed (dualmode.rules.max-document-size)");
    }
}
