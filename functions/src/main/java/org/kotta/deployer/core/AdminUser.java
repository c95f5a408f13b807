package org.kotta.deployer.core;

/** A Cloud Kotta administrator seeded into the UsersTable (keyed by e-mail). */
public record AdminUser(String email, String name) {}
