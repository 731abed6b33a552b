package io.dualmode.starter.core;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Explains a mesh-mode start-up without a sidecar, and what to do about it. */
class SidecarUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<SidecarUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, SidecarUnavailableException cause) {
        String description = "The application runs with dualmode.mode=mesh, so it registers, subscribes and calls only"
                + " through the local sidecar, but " + cause.getMessage().replaceFirst("^DUALMODE-0001 ", "")
                + ". (DUALMODE-0001; asked " + cause.readyUri() + ")";
        String action = cause.launched()
                ? "The sidecar this application launched did not become ready: read its output above, and check"
                        + " dualmode.sidecar.jar, dualmode.sidecar.args and that its ports are free."
                : "Start the sidecar next to the application (java -jar dualmode-mesh-sidecar-all.jar --registry"
                        + " <registry host:port>), or let the starter launch it with dualmode.sidecar.launch=true and"
                        + " dualmode.sidecar.jar, or run this instance without the mesh with dualmode.mode=sdk."
                        + " If the sidecar runs elsewhere, set dualmode.sidecar.host and dualmode.sidecar.admin-port.";
        return new FailureAnalysis(description, action, cause);
    }
}
