package io.dualmode.it.support;

import java.util.List;

/**
 * Closes what a test started. Child JVMs are asked to stop all at once before anything is closed, so their shutdowns
 * (a Spring Boot application takes seconds to deregister and drain) run side by side instead of one after another.
 */
public final class Teardown {

    /** Something that can be asked to stop without waiting for it: a child JVM, or what wraps one. */
    public interface StopsInBackground {
        /** Asks it to stop and returns at once; {@link AutoCloseable#close()} then waits for the end. */
        void stopInBackground();
    }

    private Teardown() {}

    /**
     * Asks every child JVM among {@code closeables} to stop, then closes them all in reverse order of creation,
     * carrying on after a failure; the first failure is thrown at the end.
     */
    public static void closeAll(List<? extends AutoCloseable> closeables) throws Exception {
        for (AutoCloseable c : closeables) {
            if (c instanceof StopsInBackground s) {
                s.stopInBackground();
            }
        }
        Exception first = null;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
