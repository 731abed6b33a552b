package io.dualmode.examples.dubbo.consumer;

import io.dualmode.examples.dubbo.api.Greeter;
import io.dualmode.starter.core.DualmodeProperties;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.dubbo.config.annotation.DubboReference;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** One Dubbo call per request. */
@RestController
class CallController {

    @DubboReference(
            version = Greeter.VERSION,
            group = "${dualmode.example.group:}",
            check = false,
            retries = 0,
            timeout = 3000)
    private Greeter greeter;

    private final DualmodeProperties dualmode;
    private final String application;

    CallController(DualmodeProperties dualmode, @Value("${spring.application.name}") String application) {
        this.dualmode = dualmode;
        this.application = application;
    }

    /** {@code {"consumer":…, "consumerMode":…, "reply":…}}; a failed call is a 502 with the error. */
    @GetMapping("/call")
    Map<String, String> call(@RequestParam(defaultValue = "world") String name) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("consumer", application);
        body.put("consumerMode", dualmode.getMode().metadataValue());
        body.put("reply", greeter.greet(name));
        return body;
    }

    String describe() {
        return application + "(" + dualmode.getMode().metadataValue() + ")";
    }
}
