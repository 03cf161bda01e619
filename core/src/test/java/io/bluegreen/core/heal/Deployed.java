package io.bluegreen.core.heal;

import io.bluegreen.core.engine.Deployer;
import io.bluegreen.core.engine.fake.World;
import io.bluegreen.core.spec.SpecReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** A service "vote" v1 deployed into a {@link World} of fakes, for the heal tests that start from one. */
final class Deployed {
    private Deployed() {
    }

    /** {@code replicas} of v1, one gate pass, no verify window, no router, with {@code env}. */
    static void v1(World world, int replicas, Map<String, String> env) {
        Map<String, Object> tree = new LinkedHashMap<>();
        tree.put("service", "vote");
        tree.put("image", "registry.local:5000/vote");
        tree.put("tag", "v1");
        tree.put("replicas", replicas);
        tree.put("containerPort", 8080);
        tree.put("env", env);
        tree.put("health", Map.of("path", "/health", "interval", "1s", "passes", 1, "deadline", "10s"));
        tree.put("verify", Map.of("window", "0"));
        tree.put("router", Map.of("type", "none", "drain", "0"));
        new Deployer(world.systems(), e -> { }).deploy(SpecReader.fromTree(tree, Path.of("."), Map.of()));
    }
}
