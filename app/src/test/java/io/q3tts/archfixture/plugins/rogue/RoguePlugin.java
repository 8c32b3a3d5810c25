package io.q3tts.archfixture.plugins.rogue;

import io.q3tts.archfixture.domain.GreetingService;

/** VIOLATION: a plugin reaching into the domain instead of using the plugin API. */
public class RoguePlugin {
    public String run() {
        return new GreetingService().run();
    }
}
