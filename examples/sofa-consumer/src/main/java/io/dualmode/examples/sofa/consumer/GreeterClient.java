package io.dualmode.examples.sofa.consumer;

import io.dualmode.examples.sofa.api.Greeter;
import io.dualmode.starter.core.DualmodeProperties;
import io.dualmode.starter.sofa.DualmodeSofaReference;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/** Makes one call and describes it: who called, in which mode, and the provider's reply. */
@Component
class GreeterClient {

    @DualmodeSofaReference(uniqueId = "${dualmode.example.unique-id:}")
    private Greeter greeter;

    private final String consumer;
    private final String mode;

    GreeterClient(Environment environment, DualmodeProperties dualmode) {
        this.consumer = environment.getProperty("spring.application.name", "sofa-consumer");
        this.mode = dualmode.getMode().metadataValue();
    }

    /** {@code {"consumer":..., "consumerMode":..., "reply":...}}; throws when the call fails. */
    Map<String, String> call(String name) {
        String reply = greeter.greet(name);
        Map<String, String> body = new LinkedHashMap<>();
        body.put("consumer", consumer);
        body.put("consumerMode", mode);
        body.put("reply", reply);
        return body;
    }

    /** {@code consumer(mode)}, as the call log lines start. */
    String who() {
        return consumer + "(" + mode + ")";
    }
}
