package io.q3tts.app.cli;

/** A command line that cannot be run as given; the message is one line for the user. Exit status 2. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
