package io.q3tts.archfixture.domain;

import io.q3tts.archfixture.adapters.fake.FakeGreetingAdapter;
import io.q3tts.archfixture.ports.GreetingPort;

/** VIOLATION: the domain names an adapter class instead of receiving the port. */
public class GreetingService {
    private final GreetingPort port = new FakeGreetingAdapter();

    public String run() {
        return port.greet("x");
    }
}
