package io.bluegreen.core.docker;

import com.github.dockerjava.api.exception.NotFoundException;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ClusterException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Brings the exact image the deploy built or pulled on the deploying engine to another engine, the way
 * {@code docker save | docker -H other load} does: the other engines need no registry access, and a tag
 * rebuilt since is replaced (image IDs are compared, not tags).
 */
final class ImageCopier {
    private ImageCopier() {
    }

    static void ensure(DockerEngine source, DockerEngine target, String engineName, String imageRef, EventSink events) {
        String wanted;
        try {
            wanted = source.client().inspectImageCmd(imageRef).exec().getId();
        } catch (NotFoundException notHere) {
            // A heal on another machine than the deploy: the target still has what it ran.
            try {
                target.client().inspectImageCmd(imageRef).exec();
            } catch (NotFoundException notThere) {
                throw new ClusterException(imageRef + " is neither on this engine nor on engine " + engineName, notThere);
            }
            events.progress("using engine " + engineName + "'s own " + imageRef + " (this engine has none to copy)");
            return;
        }
        try {
            if (wanted.equals(target.client().inspectImageCmd(imageRef).exec().getId())) {
                return;
            }
        } catch (NotFoundException absent) {
            // copied below
        }
        long t0 = System.nanoTime();
        try (InputStream tar = source.client().saveImageCmd(imageRef).exec()) {
            target.client().loadImageCmd(tar).exec();
        } catch (IOException | RuntimeException e) {
            throw new ClusterException("copying " + imageRef + " to engine " + engineName + " failed: " + DockerEngine.rootMessage(e), e);
        }
        events.progress("copied " + imageRef + " to engine " + engineName + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }
}
