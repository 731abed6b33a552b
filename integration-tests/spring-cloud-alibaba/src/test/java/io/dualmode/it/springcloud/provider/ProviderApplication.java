package io.dualmode.it.springcloud.provider;

import io.dualmode.it.support.ChildChannel;
import io.dualmode.it.support.LocalNetwork;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves {@code GET /echo} on 127.0.0.1 and registers in the registry the way any Spring Cloud Alibaba application
 * does. Arguments: registry address, application name. Replies {@code ready <port>}; on {@code exit} closes the
 * context, which deregisters.
 */
@SpringBootApplication
@RestController
public class ProviderApplication {

    @Value("${spring.application.name}")
    private String application;

    /**
     * Echoes a message with what the provider saw of the call.
     *
     * @param message any text
     * @param request the servlet request
     * @return {@code app=<name> caller=<remote address> message=<message>}
     */
    @GetMapping("/echo")
    public String echo(@RequestParam String message, HttpServletRequest request) {
        return "app=" + application + " caller=" + request.getRemoteAddr() + " message=" + message;
    }

    public static void main(String[] args) {
        int port = LocalNetwork.freePort();
        ConfigurableApplicationContext context = SpringApplication.run(
                ProviderApplication.class,
                "--spring.application.name=" + args[1],
                "--server.address=" + LocalNetwork.LOOPBACK,
                "--server.port=" + port,
                "--spring.cloud.nacos.discovery.server-addr=" + args[0],
                // Spring Cloud Alibaba registers the first non-loopback address unless told which one.
                "--spring.cloud.nacos.discovery.ip=" + LocalNetwork.LOOPBACK,
                // On close it deregisters, then waits (10 s by default) for consumers to move before stopping.
                "--spring.cloud.nacos.discovery.graceful-shutdown-wait-time=1000");
        ChildChannel.ready(Integer.toString(port));
        ChildChannel.serve(Map.of());
        context.close();
        System.exit(0);
    }
}
