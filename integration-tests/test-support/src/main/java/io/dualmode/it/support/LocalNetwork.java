package io.dualmode.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/** Keeps every suite on loopback: free loopback ports, and the interfaces a framework must be told to ignore. */
public final class LocalNetwork {

    /** The only address the suites use. */
    public static final String LOOPBACK = "127.0.0.1";

    private static final Path SYS_CLASS_NET = Path.of("/sys/class/net");
    private static final int FIRST_PORT = 20_000;
    private static final int PORTS = 11_000;
    /** Every port this JVM has handed out, so two child processes are never given the same one. */
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private LocalNetwork() {}

    /**
     * Every network interface of this machine except loopback ones, read from {@code /sys/class/net} (which lists
     * interfaces that are down too), falling back to the JDK's list.
     *
     * @return interface names, e.g. {@code [eth0]}
     */
    public static List<String> nonLoopbackInterfaces() {
        try (Stream<Path> entries = Files.list(SYS_CLASS_NET)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> !isLoopback(name))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return jdkInterfaces();
        }
    }

    /**
     * The JVM flag that makes Dubbo pick loopback: without it Dubbo registers, and dials, the machine's network
     * address even when told {@code 127.0.0.1} (see {@code shared/FRAMEWORKS.md}).
     *
     * @return {@code -Ddubbo.network.interface.ignored=<every non-loopback interface>}
     */
    public static String dubboIgnoreInterfacesFlag() {
        return "-Ddubbo.network.interface.ignored=" + String.join(",", nonLoopbackInterfaces());
    }

    /**
     * A TCP port free on 127.0.0.1 right now, below the kernel's ephemeral range (32768 and up), so no outgoing
     * connection is given it as its local port before the test binds it (a port the kernel hands out from port 0 is in
     * that range; seen taken so under load). A port is handed out once per JVM: a suite that allocates the ports of
     * several child processes before the first of them has bound its own gets distinct ones.
     *
     * @return the port, in 20000..30999 (so {@code port + 1000}, Nacos's gRPC offset, is below the range too)
     */
    public static int freePort() {
        for (int i = 0; i < 500; i++) {
            int port = candidate();
            if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free port in 20000..30999 on " + LOOPBACK));
    }

    /**
     * A port free on 127.0.0.1 whose {@code port + offset} is free too, both reserved as {@link #freePort()} does: a
     * Nacos endpoint at {@code port} serves gRPC at {@code port + 1000}.
     *
     * @param offset the distance to the second port, at most 1000
     * @return the first port of the pair
     */
    public static int freePortPair(int offset) {
        if (offset <= 0 || offset > 1000) {
            throw new IllegalArgumentException("offset must be in 1..1000, got " + offset);
        }
        for (int i = 0; i < 500; i++) {
            int port = candidate();
            int second = port + offset;
            if (!HANDED_OUT.contains(port)
                    && !HANDED_OUT.contains(second)
                    && bindable(port)
                    && bindable(second)
                    && HANDED_OUT.add(port)) {
                if (HANDED_OUT.add(second)) {
                    return port;
                }
                HANDED_OUT.remove(port);
            }
        }
        throw new UncheckedIOException(new IOException("no free port pair in 20000..31999 on " + LOOPBACK));
    }

    private static int candidate() {
        return FIRST_PORT + ThreadLocalRandom.current().nextInt(PORTS);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    private static boolean isLoopback(String name) {
        if (name.equals("lo")) {
            return true;
        }
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            return nic != null && nic.isLoopback();
        } catch (SocketException e) {
            return false;
        }
    }

    private static List<String> jdkInterfaces() {
        try {
            return NetworkInterface.networkInterfaces()
                    .map(NetworkInterface::getName)
                    .filter(name -> !isLoopback(name))
                    .sorted()
                    .toList();
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }
}
