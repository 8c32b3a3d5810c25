package io.q3tts.archfixture.app;

import io.q3tts.archfixture.adapters.fake.FakeGreetingAdapter;
import io.q3tts.archfixture.ports.GreetingPort;

/** Allowed: the composition root names adapters. */
public class Wiring {
    public GreetingPort port() {
        return new FakeGreetingAdapter();
    }
}
