package io.bluegreen.cli;

import io.bluegreen.core.BlueGreen;
import io.bluegreen.core.engine.DeployResult;
import io.bluegreen.core.spec.DeploymentSpec;
import io.bluegreen.core.spec.SpecReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "deploy", mixinStandardHelpOptions = true,
        header = "Release a new version into the idle color: build, push, start, gate on Consul health, flip, verify.",
        description = "Build, push and start the new version in the idle color, gate it on Consul health, flip the proxy, verify.")
final class DeployCommand extends Subcommand implements Callable<Integer> {
    @Mixin
    JsonOption json;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "SPEC.yml", description = "the deployment spec")
    Path file;

    @Option(names = "--tag", paramLabel = "TAG", description = "overrides the spec's tag")
    String tag;

    @Option(names = "--image", paramLabel = "REPO", description = "overrides the spec's image repository")
    String image;


    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new LinkedHashMap<>();
        if (tag != null) {
            overrides.put("tag", tag);
        }
        if (image != null) {
            overrides.put("image", image);
        }
        DeploymentSpec spec = SpecReader.read(file, overrides);
        try (BlueGreen bg = cli.connect()) {
            DeployResult r = bg.deploy(spec, new EventPrinter(cli.out(), json.on));
            if (!json.on) {
                cli.out().println(r.inPreview()
                        ? spec.service() + " " + r.version() + " waits in preview on " + r.color()
                                + (r.previewUrl() == null ? "" : " at " + r.previewUrl())
                                + (r.previousColor() == null ? "" : "; " + r.previousColor() + " keeps production")
                        : spec.service() + " " + r.version() + " is live on " + r.color()
                                + (r.previousColor() == null ? "" : " (" + r.previousColor() + " kept as warm standby)"));
            }
            return BlueGreenCli.OK;
        }
    }
}
