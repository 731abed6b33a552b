package io.dualmode.starter.springcloud;

import io.dualmode.starter.core.DualmodeProperties;
import java.io.IOException;
import java.net.ConnectException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Mesh mode: a call that cannot connect went to the local sidecar (every address a mesh-mode application is handed is
 * the sidecar's), so the error says that and where to look, instead of a bare "Connection refused".
 */
public class SidecarEgressInterceptor implements ClientHttpRequestInterceptor {

    private final String adminUri;

    public SidecarEgressInterceptor(DualmodeProperties properties) {
        DualmodeProperties.Sidecar sidecar = properties.getSidecar();
        this.adminUri = "http://" + sidecar.getHost() + ":" + sidecar.getAdminPort() + "/ready";
    }

    @Override
    public ClientHttpResponse intercept(HttpRequest request, byte[] body, ClientHttpRequestExecution execution)
            throws IOException {
        try {
            return execution.execute(request, body);
        } catch (ConnectException e) {
            ConnectException clear = new ConnectException("DUALMODE-0101 the local sidecar refused the call to "
                    + request.getURI() + " (" + e.getMessage() + "): in mesh mode every call goes through it; check"
                    + " that it runs and is ready at " + adminUri);
            clear.initCause(e);
            throw clear;
        }
    }
}
