package org.kotta.platform.web;

/** Who the identity provider says a person is: its user id, e-mail and display name. */
public record Identity(String userId, String email, String name) {}
