/** The REST API's error model: stable {@code PLATFORM-xxxx} codes and the JSON error body every 4xx/5xx carries. */
package io.dualmode.platform.web;
