package io.dualmode.examples.springcloud.provider;

import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.springcloud.DualmodeRegistration;
import jakarta.servlet.http.HttpServletRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /greet?name=}: a greeting that says who answered, in which mode, and who called. */
@RestController
class GreeterController {

    private final String application;
    private final DualmodeProperties dualmode;
    private final DualmodeRegistration registration;

    GreeterController(
            @Value("${spring.application.name}") String application,
            DualmodeProperties dualmode,
            DualmodeRegistration registration) {
        this.application = application;
        this.dualmode = dualmode;
        this.registration = registration;
    }

    @GetMapping("/greet")
    Map<String, Object> greet(@RequestParam String name, HttpServletRequest request) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("greeting", "Hello, " + name);
        reply.put("provider", application);
        reply.put("instance", request.getLocalAddr() + ":" + request.getLocalPort());
        reply.put("registeredAs", registration.getHost() + ":" + registration.getPort());
        reply.put("mode", dualmode.getMode().metadataValue());
        reply.put("caller", request.getRemoteAddr());
        return reply;
    }
}
