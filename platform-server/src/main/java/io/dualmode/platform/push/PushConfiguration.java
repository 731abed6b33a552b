package io.dualmode.platform.push;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.handler.SimpleUrlHandlerMapping;

/** Maps the push WebSocket at {@code /api/v1/push}; only sidecar tokens may open it (see the security rules). */
@Configuration(proxyBeanMethods = false)
class PushConfiguration {

    static final String PATH = "/api/v1/push";

    @Bean
    HandlerMapping pushHandlerMapping(PushHub hub) {
        return new SimpleUrlHandlerMapping(Map.of(PATH, new PushHandler(hub)), -1);
    }
}
