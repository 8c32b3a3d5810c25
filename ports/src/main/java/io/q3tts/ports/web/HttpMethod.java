package io.q3tts.ports.web;

/** The HTTP methods a {@link RouteSpec} can bind. */
public enum HttpMethod {
    /** Read. */
    GET,
    /** Create or run. */
    POST,
    /** Replace. */
    PUT,
    /** Change part of. */
    PATCH,
    /** Remove. */
    DELETE
}
