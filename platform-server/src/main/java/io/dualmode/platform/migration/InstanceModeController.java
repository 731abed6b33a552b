package io.dualmode.platform.migration;

import io.dualmode.governance.push.ModeDirective;
import io.dualmode.platform.push.PushHub;
import io.dualmode.platform.push.SidecarStatus;
import io.dualmode.platform.storage.Blocking;
import io.dualmode.platform.web.ApiException;
import io.dualmode.platform.web.PlatformError;
import io.dualmode.registry.RegistryServer;
import io.dualmode.registry.naming.NamingService;
import java.security.Principal;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code PUT /api/v1/inventory/instances/{ip}:{port}/mode}: switch one instance between SDK and mesh through its
 * sidecar. The answer (202) says what was asked; the sidecar switches within seconds and the inventory then shows
 * the new mode.
 */
@RestController
@RequestMapping("/api/v1/inventory/instances")
final class InstanceModeController {

    private final InstanceModes modes;
    private final MigrationService migrations;
    private final PushHub push;
    private final org.springframework.beans.factory.ObjectProvider<RegistryServer> registry;
    private final Blocking blocking;

    InstanceModeController(
            InstanceModes modes,
            MigrationService migrations,
            PushHub push,
            org.springframework.beans.factory.ObjectProvider<RegistryServer> registry,
            Blocking blocking) {
        this.modes = modes;
        this.migrations = migrations;
        this.push = push;
        this.registry = registry;
        this.blocking = blocking;
    }

    /** The body: {@code {"mode": "mesh"}} or {@code {"mode": "sdk"}}. */
    record ModeRequest(String mode) {}

    /** The answer: which sidecar, what it should run, what it reports running now. */
    record ModeAnswer(String nodeId, String instance, String desiredMode, String reportedMode, long version) {}

    @PutMapping(path = "/{address}/mode", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<ModeAnswer>> setMode(
            @PathVariable String address, @RequestBody ModeRequest request, Principal principal) {
        String mode = request == null ? null : request.mode();
        if (!"mesh".equals(mode) && !"sdk".equals(mode)) {
            return Mono.error(new ApiException(
                    PlatformError.BAD_REQUEST, "mode must be mesh or sdk, got " + mode + "; send {\"mode\":\"mesh\"}"));
        }
        if (!registered(address)) {
            return Mono.error(new ApiException(
                    PlatformError.INSTANCE_NOT_FOUND, "no registered instance has the address " + address));
        }
        SidecarStatus sidecar = push.byInstance().get(address);
        if (sidecar == null) {
            return Mono.error(new ApiException(
                    PlatformError.NO_SIDECAR,
                    "no sidecar connected to the control plane reports instance " + address
                            + "; start the instance with its sidecar (dualmode.mode=mesh or dualmode.sidecar.launch)"
                            + " before switching it"));
        }
        return blocking.call(() -> {
                    MigrationPlan holder = migrations.holding(sidecar.nodeId());
                    if (holder != null) {
                        throw new ApiException(
                                PlatformError.INSTANCE_IN_MIGRATION,
                                "instance " + address + " belongs to migration " + holder.id + " (" + holder.name
                                        + "), which is " + holder.state.replace('_', ' ')
                                        + "; pause or roll back that plan instead");
                    }
                    ModeDirective d = modes.set(sidecar.nodeId(), mode, principal.getName(), "switch of " + address);
                    return new ModeAnswer(sidecar.nodeId(), address, d.mode(), sidecar.mode(), d.version());
                })
                .map(a -> ResponseEntity.status(HttpStatus.ACCEPTED).body(a));
    }

    private boolean registered(String address) {
        RegistryServer server = registry.getIfAvailable();
        if (server == null) {
            throw new ApiException(
                    PlatformError.REGISTRY_DISABLED, "the embedded registry is disabled; no inventory to switch from");
        }
        NamingService naming = server.naming();
        return naming.services().stream()
                .flatMap(k -> naming.instances(k).stream())
                .anyMatch(i -> address.equals(i.ip() + ":" + i.port()));
    }
}
