package io.dualmode.platform.registry;

import io.dualmode.platform.push.PushHub;
import io.dualmode.platform.push.SidecarStatus;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.NamingService;
import io.dualmode.registry.naming.ServiceKey;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /api/v1/inventory/services}: the services of the embedded registry with each instance's mode and, when
 * its sidecar is connected to the push stream, the sidecar's version and config digest.
 */
@RestController
@RequestMapping("/api/v1/inventory")
final class InventoryController {

    private final ObjectProvider<RegistryServer> registry;
    private final PushHub push;

    InventoryController(ObjectProvider<RegistryServer> registry, PushHub push) {
        this.registry = registry;
        this.push = push;
    }

    @GetMapping("/services")
    Mono<List<ServiceView>> services(
            @RequestParam(required = false) String namespace, @RequestParam(required = false) String mode) {
        NamingService naming = naming();
        Map<String, SidecarStatus> sidecars = push.byInstance();
        return Mono.fromCallable(() -> naming.services().stream()
                        .filter(key -> namespace == null || key.namespace().equals(namespace))
                        .sorted(Comparator.comparing(ServiceKey::namespace)
                                .thenComparing(ServiceKey::group)
                                .thenComparing(ServiceKey::name))
                        .map(key -> view(naming, key, mode, sidecars))
                        .filter(view -> mode == null || !view.instances().isEmpty())
                        .toList())
                .subscribeOn(Schedulers.boundedElastic());
    }

    private static ServiceView view(
            NamingService naming, ServiceKey key, String mode, Map<String, SidecarStatus> sidecars) {
        List<InstanceView> instances = naming.instances(key).stream()
                .map(i -> InstanceView.of(i, sidecars))
                .filter(i -> mode == null || i.mode().equals(mode))
                .toList();
        long mesh = instances.stream().filter(i -> i.mode().equals("mesh")).count();
        return new ServiceView(key.namespace(), key.group(), key.name(), instances, mesh);
    }

    private NamingService naming() {
        RegistryServer server = registry.getIfAvailable();
        if (server == null) {
            throw new ApiException(
                    PlatformError.REGISTRY_DISABLED,
                    "the embedded registry is disabled (dualmode.registry.enabled=false); the inventory of an"
                            + " external Nacos is not available yet");
        }
        return server.naming();
    }
}
