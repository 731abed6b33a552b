package io.dualmode.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the registry standalone: {@code java -jar dualmode-registry-all.jar [--port 8848] [--data-dir DIR]}. */
@Command(
        name = "dualmode-registry",
        mixinStandardHelpOptions = true,
        description =
                "Service registry speaking the Nacos 2.x client protocol (HTTP on --port, gRPC on --port + 1000).")
public final class RegistryMain implements Callable<Integer> {

    @Option(
            names = "--host",
            defaultValue = "${env:DUALMODE_REGISTRY_HOST:-0.0.0.0}",
            description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "${env:DUALMODE_REGISTRY_PORT:-8848}",
            description = "HTTP port; gRPC is this + 1000 (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:DUALMODE_REGISTRY_DATA_DIR:-./data/registry}",
            description = "Directory for persistent instances, service metadata and config (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(
            names = "--push-delay",
            defaultValue = "PT0.01S",
            description = "Coalescing delay of change pushes, ISO-8601 (default ${DEFAULT-VALUE}).")
    Duration pushDelay;

    @Override
    public Integer call() throws InterruptedException {
        RegistryServer server = RegistryServer.builder()
                .host(host)
                .port(port)
                .dataDir(dataDir)
                .pushDelay(pushDelay)
                .build()
                .start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "dualmode-registry-shutdown"));
        System.out.println(
                "dualmode registry ready: serverAddr=" + server.address() + " (gRPC " + server.grpcPort() + ")");
        stopped.await();
        return 0;
    }

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "dualmode-registry-logback.xml");
        }
        System.exit(new CommandLine(new RegistryMain()).execute(args));
    }
}
