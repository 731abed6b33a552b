package io.dualmode.examples.springcloud.consumer;

import io.dualmode.starter.core.DualmodeProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /call?name=x[&client=webclient]}: one call to the provider, and what came back. */
@RestController
class CallController {

    private final GreeterClient client;
    private final String consumer;
    private final DualmodeProperties dualmode;

    CallController(
            GreeterClient client, @Value("${spring.application.name}") String consumer, DualmodeProperties dualmode) {
        this.client = client;
        this.consumer = consumer;
        this.dualmode = dualmode;
    }

    @GetMapping("/call")
    ResponseEntity<Map<String, Object>> call(
            @RequestParam(defaultValue = "world") String name,
            @RequestParam(defaultValue = "resttemplate") String client) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("consumer", consumer);
        body.put("consumerMode", dualmode.getMode().metadataValue());
        try {
            body.put("reply", this.client.greet(name, client.equalsIgnoreCase("webclient")));
            return ResponseEntity.ok(body);
        } catch (RuntimeException e) {
            body.put("error", e.getMessage());
            return ResponseEntity.status(HttpStatus.BAD_GATEWAY).body(body);
        }
    }
}
