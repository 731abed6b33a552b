package io.dualmode.sidecar.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Where the sidecar gets its governance rules: the control plane's push stream, the token it presents, and the
 * directory where the last good rules are kept for a restart. YAML:
 *
 * <pre>{@code
 * controlPlane:
 *   url: ws://platform:8080/api/v1/push
 *   token: ${DUALMODE_SIDECAR_TOKEN}
 *   stateDir: /var/lib/dualmode-sidecar
 *   nodeId: orders@10.0.0.5
 *   subscribe: [payments]      # services called; the local services are always subscribed
 *   reconnectDelay: 1s
 *   reportInterval: 5s         # how often traffic counts are reported on the stream
 * }</pre>
 *
 * @param url the push stream ({@code ws://} or {@code wss://}); null means no control plane
 * @param token the sidecar token issued by the platform ({@code POST /api/v1/sidecar-tokens})
 * @param stateDir where the last good rules are written and read back on start; null means not kept
 * @param nodeId the sidecar's identity on the stream; defaults to the first local service name and the host name
 * @param subscribe services whose rules this sidecar needs besides its local services
 * @param reconnectDelay the first wait before reconnecting; it doubles up to 30 s while the control plane is away
 * @param reportInterval how often the traffic seen since the previous report is sent on the stream (default 5 s); an
 *     interval without traffic sends nothing
 */
public record ControlPlaneConfig(
        URI url,
        String token,
        Path stateDir,
        String nodeId,
        List<String> subscribe,
        Duration reconnectDelay,
        Duration reportInterval) {

    /** The report interval when none is configured. */
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(5);

    public ControlPlaneConfig {
        subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
        reconnectDelay = reconnectDelay == null ? Duration.ofSeconds(1) : reconnectDelay;
        reportInterval = reportInterval == null ? DEFAULT_REPORT_INTERVAL : reportInterval;
    }

    /** A configuration with the default report interval. */
    public ControlPlaneConfig(
            URI url, String token, Path stateDir, String nodeId, List<String> subscribe, Duration reconnectDelay) {
        this(url, token, stateDir, nodeId, subscribe, reconnectDelay, null);
    }

    @JsonCreator
    static ControlPlaneConfig of(
            @JsonProperty("url") String url,
            @JsonProperty("token") String token,
            @JsonProperty("stateDir") String stateDir,
            @JsonProperty("nodeId") String nodeId,
            @JsonProperty("subscribe") List<String> subscribe,
            @JsonProperty("reconnectDelay") Duration reconnectDelay,
            @JsonProperty("reportInterval") Duration reportInterval) {
        return new ControlPlaneConfig(
                url == null ? null : parseUrl(url),
                token,
                stateDir == null ? null : Path.of(stateDir),
                nodeId,
                subscribe,
                reconnectDelay,
                reportInterval);
    }

    /** No control plane and no saved state. */
    public static ControlPlaneConfig disabled() {
        return new ControlPlaneConfig(null, null, null, null, List.of(), null);
    }

    /** Whether a control plane URL or a state directory is configured. */
    public boolean enabled() {
        return url != null || stateDir != null;
    }

    /** This configuration with the given values where they are not null (command-line flags win over YAML). */
    public ControlPlaneConfig with(String url, String token, Path stateDir) {
        return new ControlPlaneConfig(
                url == null ? this.url : parseUrl(url),
                token == null ? this.token : token,
                stateDir == null ? this.stateDir : stateDir,
                nodeId,
                subscribe,
                reconnectDelay,
                reportInterval);
    }

    /** This configuration with {@code reportInterval} when it is not null (a command-line flag wins over YAML). */
    public ControlPlaneConfig withReportInterval(Duration reportInterval) {
        return reportInterval == null
                ? this
                : new ControlPlaneConfig(url, token, stateDir, nodeId, subscribe, reconnectDelay, reportInterval);
    }

    static URI parseUrl(String url) {
        try {
            return new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw SidecarErrors.CONTROL_PLANE_URL.exception(url, e.getReason());
        }
    }
}
