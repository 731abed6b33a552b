package io.dualmode.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** The console's built files come from the console-ui jar; its client-side routes get index.html, the API does not. */
class ConsoleServingIntegrationTest extends PlatformTestBase {

    @Test
    void theConsoleIsServedAtTheRootAndItsScriptsWithIt() {
        String index = html("/");
        assertThat(index).contains("<div id=\"root\"></div>");

        Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(index);
        assertThat(script.find()).as("index.html names its script").isTrue();
        client.get()
                .uri(script.group(1))
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith("text/javascript");
    }

    @Test
    void aReloadOfAConsolePageGetsIndexHtml() {
        assertThat(html("/rules/routing/orders")).isEqualTo(html("/"));
        assertThat(html("/audit")).isEqualTo(html("/"));
    }

    @Test
    void apiPathsAndMissingFilesAreNotTheConsole() {
        admin().get("/api/v1/no-such-endpoint")
                .expectStatus()
                .isNotFound()
                .expectBody()
                .jsonPath("$.code")
                .isEqualTo("PLATFORM-0003");
        client.get().uri("/assets/no-such-file.js").exchange().expectStatus().isNotFound();
    }

    private String html(String path) {
        return client.get()
                .uri(path)
                .accept(MediaType.TEXT_HTML)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
