package io.dualmode.examples.dubbo.consumer;

import java.util.Map;
import org.apache.dubbo.rpc.RpcException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** A failed Dubbo call answers 502 with Dubbo's message. */
@RestControllerAdvice
class CallFailedAdvice {

    @ExceptionHandler(RpcException.class)
    ResponseEntity<Map<String, String>> failed(RpcException e) {
        return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(Map.of("error", String.valueOf(e.getMessage())));
    }
}
