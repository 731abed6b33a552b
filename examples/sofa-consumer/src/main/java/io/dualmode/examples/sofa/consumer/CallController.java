package io.dualmode.examples.sofa.consumer;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /call?name=x}: one call; 502 with the error when it fails. */
@RestController
class CallController {

    private final GreeterClient client;

    CallController(GreeterClient client) {
        this.client = client;
    }

    @GetMapping("/call")
    ResponseEntity<Map<String, String>> call(@RequestParam(defaultValue = "world") String name) {
        try {
            return ResponseEntity.ok(client.call(name));
        } catch (RuntimeException e) {
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
                    .body(Map.of("consumer", client.who(), "error", String.valueOf(e.getMessage())));
        }
    }
}
