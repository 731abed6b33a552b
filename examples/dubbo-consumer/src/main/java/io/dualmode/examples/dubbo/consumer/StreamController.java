package io.dualmode.examples.dubbo.consumer;

import io.dualmode.examples.dubbo.api.GreeterStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.dubbo.common.stream.StreamObserver;
import org.apache.dubbo.config.annotation.DubboReference;
import org.apache.dubbo.rpc.RpcException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** With {@code dualmode.example.stream=true}: one server-streaming Triple call per request. */
@RestController
@ConditionalOnProperty(prefix = "dualmode.example", name = "stream", havingValue = "true")
class StreamController {

    @DubboReference(
            version = GreeterStream.VERSION,
            group = "${dualmode.example.group:}",
            check = false,
            retries = 0,
            timeout = 3000)
    private GreeterStream greeterStream;

    private final String application;

    StreamController(@Value("${spring.application.name}") String application) {
        this.application = application;
    }

    /**
     * {@code GET /stream?names=a,b}: {@code {"consumer":…, "replies":[…]}}, the replies in the order they arrived; a
     * failed or unfinished stream is a 502 with the error.
     */
    @GetMapping("/stream")
    Map<String, Object> stream(@RequestParam(defaultValue = "world") String names) throws InterruptedException {
        List<String> replies = new ArrayList<>();
        CompletableFuture<List<String>> done = new CompletableFuture<>();
        greeterStream.greetEach(names, new StreamObserver<>() {
            @Override
            public void onNext(String reply) {
                synchronized (replies) {
                    replies.add(reply);
                }
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                synchronized (replies) {
                    done.complete(List.copyOf(replies));
                }
            }
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("consumer", application);
        try {
            body.put("replies", done.get(5, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
            throw new RpcException("stream failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new RpcException("stream not completed within 5 s; replies so far: " + replies);
        }
        return body;
    }
}
