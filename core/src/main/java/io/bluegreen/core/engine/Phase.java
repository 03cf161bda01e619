package io.bluegreen.core.engine;

import java.util.Locale;

/** The phases of one deploy, in order (see docs/architecture.md). */
public enum Phase {
    VALIDATE, PREFLIGHT, LOCK, REPAIR, BUILD, PUSH, PULL, RESOLVE, DEPLOY, REGISTER, GATE, PREVIEW, FLIP, VERIFY, RETIRE, ROLLBACK;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
