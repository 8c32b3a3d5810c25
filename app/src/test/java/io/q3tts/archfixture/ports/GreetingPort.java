package io.q3tts.archfixture.ports;

/** A well-behaved port: depends on the JDK only. */
public interface GreetingPort {
    String greet(String name);
}
