package io.bluegreen.core.engine.fake;

import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ImageStore;
import io.bluegreen.core.engine.fake.Faults.Step;
import io.bluegreen.core.spec.BuildSpec;

/** Every image is present; its digest is derived from its reference, so a version always has the same one. */
public final class FakeImages implements ImageStore {
    private final Faults faults;

    public FakeImages(Faults faults) {
        this.faults = faults;
    }

    @Override
    public void ping() {
    }

    @Override
    public void pingRegistry(String repository) {
    }

    @Override
    public String build(BuildSpec build, String imageRef, EventSink events) {
        return "sha256:image-" + Integer.toHexString(imageRef.hashCode());
    }

    @Override
    public String push(String imageRef, EventSink events) {
        return ensurePresent(imageRef, events);
    }

    @Override
    public String ensurePresent(String imageRef, EventSink events) {
        faults.check(Step.PULL);
        return "sha256:" + Integer.toHexString(imageRef.hashCode());
    }
}
