package io.q3tts.archfixture.adapters.fake;

import io.q3tts.archfixture.ports.GreetingPort;

/** A well-behaved adapter: implements a port. */
public class FakeGreetingAdapter implements GreetingPort {
    @Override
    public String greet(String name) {
        return "hi " + name;
    }
}
