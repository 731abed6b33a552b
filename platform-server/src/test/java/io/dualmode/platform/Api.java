package io.dualmode.platform;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Calls of the platform API with a token, for tests. */
final class Api {

    private final WebTestClient client;
    private final String token;

    Api(WebTestClient client, String token) {
        this.client = client;
        this.token = token;
    }

    WebTestClient client() {
        return client;
    }

    String token() {
        return token;
    }

    WebTestClient.ResponseSpec put(String path, String body, Long ifMatch) {
        WebTestClient.RequestBodySpec spec =
                client.put().uri(path).contentType(MediaType.APPLICATION_JSON).headers(h -> h.setBearerAuth(token));
        if (ifMatch != null) {
            spec = spec.header(HttpHeaders.IF_MATCH, "\"" + ifMatch + "\"");
        }
        return spec.bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec post(String path, Object body) {
        return client.post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> h.setBearerAuth(token))
                .bodyValue(body)
                .exchange();
    }

    WebTestClient.ResponseSpec get(String path) {
        return client.get().uri(path).headers(h -> h.setBearerAuth(token)).exchange();
    }

    WebTestClient.ResponseSpec delete(String path, Long ifMatch) {
        return client.delete()
                .uri(path)
                .headers(h -> {
                    h.setBearerAuth(token);
                    if (ifMatch != null) {
                        h.setIfMatch("\"" + ifMatch + "\"");
                    }
                })
                .exchange();
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> getMap(String path) {
        return get(path)
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    List<Map<String, Object>> getList(String path) {
        return get(path)
                .expectStatus()
                .isOk()
                .expectBody(List.class)
                .returnResult()
                .getResponseBody();
    }
}
