package io.dualmode.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The child JVM's side of the line protocol that {@link ChildJvm} speaks: the child announces itself with
 * {@link #ready(String)}, then answers one command per line read from standard input. Protocol lines start with
 * {@value #PREFIX} so the framework's own console logging can share standard output.
 */
public final class ChildChannel {

    /** Marks a protocol line on the child's standard output. */
    public static final String PREFIX = "@@ ";

    static final String READY = "ready";
    static final String OK = "ok";
    static final String ERROR = "error";
    static final String EXIT = "exit";

    private static final PrintStream OUT = System.out;

    private ChildChannel() {}

    /** A command the child understands: gets the text after the command word, returns the reply. */
    @FunctionalInterface
    public interface Handler {
        /**
         * Handles one command.
         *
         * @param argument the rest of the command line, empty when there is none
         * @return the reply sent back to the test
         * @throws Exception anything; it is sent back as an error reply
         */
        String handle(String argument) throws Exception;
    }

    /**
     * Tells the test the child is up.
     *
     * @param info what the test needs to know, e.g. the port it bound
     */
    public static void ready(String info) {
        send(READY, info);
    }

    /**
     * Answers commands until the test sends {@code exit} or closes standard input (which it does when it dies, so a
     * child never outlives its test).
     *
     * @param handlers command word to handler
     */
    public static void serve(Map<String, Handler> handlers) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null && !line.equals(EXIT); line = in.readLine()) {
                answer(handlers, line);
            }
        } catch (IOException e) {
            // Standard input gone: the test is gone, so is this child.
        }
    }

    private static void answer(Map<String, Handler> handlers, String line) {
        int space = line.indexOf(' ');
        String command = space < 0 ? line : line.substring(0, space);
        String argument = space < 0 ? "" : line.substring(space + 1);
        Handler handler = handlers.get(command);
        if (handler == null) {
            send(ERROR, "unknown command " + command);
            return;
        }
        try {
            send(OK, handler.handle(argument));
        } catch (Exception e) {
            e.printStackTrace(System.err); // into the child's log file, for whoever reads a failure
            send(ERROR, oneLine(e));
        }
    }

    private static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(text.length() == 0 ? "" : " <- ")
                    .append(t.getClass().getName())
                    .append(": ")
                    .append(t.getMessage());
        }
        return text.toString().replace('\n', ' ').replace('\r', ' ');
    }

    private static void send(String kind, String payload) {
        OUT.println(PREFIX + kind + " " + (payload == null ? "" : payload.replace('\n', ' ')));
        OUT.flush();
    }
}
