package io.q3tts.archfixture.adapters.other;

import io.q3tts.archfixture.adapters.fake.FakeGreetingAdapter;
import io.q3tts.archfixture.domain.GreetingService;

/** VIOLATIONS: an adapter using another adapter and the domain. */
public class OtherAdapter {
    public String run() {
        return new FakeGreetingAdapter().greet("y") + new GreetingService().run();
    }
}
