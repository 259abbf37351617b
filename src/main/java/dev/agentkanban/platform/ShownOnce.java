package dev.agentkanban.platform;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a handler whose successful answer carries a secret that is shown once and stored only as a
 * hash or encrypted (an API token, a session, an invitation link, a TOTP seed, recovery codes, a
 * webhook signing secret). With an {@code Idempotency-Key}, {@link IdempotencyFilter} keeps the key
 * (the request still runs once) but never the answer: a retry gets 409 {@code secret-shown-once}.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ShownOnce {}
