package io.dualmode.starter.dubbo;

import org.apache.dubbo.rpc.model.ApplicationModel;

/** The starter's mode as Dubbo's own configuration holds it ({@link DubboModeEnvironmentPostProcessor#DUBBO_MODE}). */
final class DubboMode {

    private DubboMode() {}

    /** Whether the application runs in mesh mode. */
    static boolean isMesh(ApplicationModel model) {
        if (model == null) {
            return false;
        }
        String mode =
                model.modelEnvironment().getConfiguration().getString(DubboModeEnvironmentPostProcessor.DUBBO_MODE);
        return "mesh".equalsIgnoreCase(mode == null ? null : mode.trim());
    }
}
