package io.bluegreen.core.engine;

import io.bluegreen.core.spec.InvalidSpecException;

/**
 * Who ran an operation, as its history record names it: {@code BLUEGREEN_ACTOR} when set (the Jenkins plugin sets the
 * build's URL and the user who started it), else the OS user and host; a heal worker names itself and the process it
 * runs in. One line of at most {@value #MAX_LENGTH} printable characters.
 */
public record Actor(String name) {
    public static final int MAX_LENGTH = 200;

    public Actor {
        if (name == null || name.isBlank() || name.length() > MAX_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidSpecException("BLUEGREEN_ACTOR: must be 1 to " + MAX_LENGTH + " characters on one line, without"
                    + " control characters");
        }
        name = name.strip();
    }

    /** {@code user@host}, as a shell prompt names who is at the keyboard. */
    public static Actor user(String user, String host) {
        return new Actor((user == null || user.isBlank() ? "unknown" : user) + "@" + (host == null || host.isBlank() ? "localhost" : host));
    }

    /** The same process acting on its own, as {@code role}: "heal worker in alice@host". */
    public Actor acting(String role) {
        String acting = role + " in " + name;
        return new Actor(acting.length() > MAX_LENGTH ? acting.substring(0, MAX_LENGTH) : acting);
    }
}
