package io.dualmode.examples.dubbo.provider;

import io.dualmode.examples.dubbo.api.Greeter;
import io.dualmode.examples.dubbo.api.GreeterStream;
import org.apache.dubbo.common.stream.StreamObserver;
import org.apache.dubbo.config.annotation.DubboService;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;

/** One greeting per name, streamed; served only over Triple ({@code dubbo.protocol.name=tri}). */
@DubboService(version = GreeterStream.VERSION, group = "${dualmode.example.group:}")
@ConditionalOnProperty(name = "dubbo.protocol.name", havingValue = "tri")
class GreeterStreamService implements GreeterStream {

    private final Greeter greeter;

    GreeterStreamService(Greeter greeter) {
        this.greeter = greeter;
    }

    @Override
    public void greetEach(String names, StreamObserver<String> replies) {
        for (String name : names.split(",")) {
            replies.onNext(greeter.greet(name.strip()));
        }
        replies.onCompleted();
    }
}
