/** The HTTP open API (v1 and v2 naming, login, health, metrics) on the registry's main port. */
package io.dualmode.registry.http;
