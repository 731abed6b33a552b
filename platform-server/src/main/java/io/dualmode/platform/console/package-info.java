/**
 * Serves the web console ({@code console-ui}, packaged under {@code static/}) at {@code /}: {@link ConsoleRoutes}
 * sends the console's client-side routes to its {@code index.html}.
 */
package io.dualmode.platform.console;
