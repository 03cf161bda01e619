package io.bluegreen.core.docker;

import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.BuildResponseItem;
import io.bluegreen.core.engine.port.EventSink;
import io.bluegreen.core.engine.port.ImageStore;
import io.bluegreen.core.engine.port.ImageException;
import io.bluegreen.core.engine.port.SystemUnreachableException;
import io.bluegreen.core.spec.BuildSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Builds, pushes and pulls images on one Docker engine. */
public final class DockerImageStore implements ImageStore {
    private static final List<String> UNREACHABLE_SIGNS = List.of(
            "connection refused", "no such host", "i/o timeout", "dial tcp", "no route to host", "connection reset");
    private final DockerEngine engine;

    public DockerImageStore(DockerEngine engine) {
        this.engine = engine;
    }

    @Override
    public void ping() {
        engine.ping();
    }

    @Override
    public void pingRegistry(String repository) {
        Optional<String> host = Registries.hostOf(repository);
        if (host.isEmpty()) {
            return; // Docker's default registry: the engine knows how to reach it, we do not name it.
        }
        String scheme = Registries.isLoopback(host.get()) ? "http" : "https";
        URI uri = URI.create(scheme + "://" + host.get() + "/v2/");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            throw new SystemUnreachableException("registry", "no registry answers at " + uri
                    + " (" + DockerEngine.rootMessage(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SystemUnreachableException("registry", "interrupted while reaching " + uri, e);
        }
    }

    @Override
    public String build(BuildSpec build, String imageRef, EventSink events) {
        BuildImageResultCallback callback = new BuildImageResultCallback() {
            @Override
            public void onNext(BuildResponseItem item) {
                if (item.getStream() != null && !item.getStream().isBlank()) {
                    events.progress(item.getStream().strip());
                }
                super.onNext(item);
            }
        };
        var cmd = engine.client().buildImageCmd()
                .withBaseDirectory(build.context().toFile())
                .withDockerfile(build.context().resolve(build.dockerfile()).toFile())
                .withTags(Set.of(imageRef))
                .withPull(false);
        build.args().forEach(cmd::withBuildArg);
        try {
            return cmd.exec(callback).awaitImageId();
        } catch (RuntimeException e) {
            throw new ImageException("docker build of " + imageRef + " failed: " + DockerEngine.rootMessage(e), e);
        }
    }

    @Override
    public String push(String imageRef, EventSink events) {
        String[] repoTag = Registries.splitTag(imageRef);
        PushProgress progress = new PushProgress(events);
        try {
            engine.client().pushImageCmd(repoTag[0]).withTag(repoTag[1])
                    .withAuthConfig(engine.authFor(imageRef))
                    .exec(progress).awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageException("push of " + imageRef + " interrupted", e);
        } catch (RuntimeException e) {
            throw classify("push of " + imageRef, DockerEngine.rootMessage(e), e);
        }
        progress.error().ifPresent(msg -> {
            throw classify("push of " + imageRef, msg, null);
        });
        events.progress("pushed " + imageRef + " (" + progress.summary() + ")");
        return digestOf(imageRef, repoTag[0]);
    }

    @Override
    public String ensurePresent(String imageRef, EventSink events) {
        String[] repoTag = Registries.splitTag(imageRef);
        try {
            engine.client().inspectImageCmd(imageRef).exec();
        } catch (NotFoundException missing) {
            events.progress("pulling " + imageRef);
            try {
                engine.client().pullImageCmd(repoTag[0]).withTag(repoTag[1])
                        .withAuthConfig(engine.authFor(imageRef)).start().awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException("pull of " + imageRef + " interrupted", e);
            } catch (RuntimeException e) {
                throw classify("pull of " + imageRef, DockerEngine.rootMessage(e), e);
            }
        }
        return digestOf(imageRef, repoTag[0]);
    }

    /** The registry digest when the image came from or went to one, else the local image ID. */
    private String digestOf(String imageRef, String repository) {
        InspectImageResponse image = engine.client().inspectImageCmd(imageRef).exec();
        if (image.getRepoDigests() != null) {
            for (String d : image.getRepoDigests()) {
                if (d.startsWith(repository + "@")) {
                    return d.substring(repository.length() + 1);
                }
            }
        }
        return image.getId();
    }

    private static RuntimeException classify(String what, String message, Throwable cause) {
        String lower = message == null ? "" : message.toLowerCase(java.util.Locale.ROOT);
        if (UNREACHABLE_SIGNS.stream().anyMatch(lower::contains)) {
            return new SystemUnreachableException("registry", what + " failed: " + message, cause);
        }
        return new ImageException(what + " failed: " + message, cause);
    }
}
