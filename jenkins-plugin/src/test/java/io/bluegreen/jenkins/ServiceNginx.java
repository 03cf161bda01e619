package io.bluegreen.jenkins;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A service's own nginx in front of it, started by the project's {@code scripts/nginx-proxy.sh} (with a preview
 * listener when {@code previewPort} is not 0), and the {@code blueGreenDeploy} call that releases the example app
 * behind it: what the tests that deploy through a Pipeline share.
 */
record ServiceNginx(
        Path project,
        String service,
        int port,
        int previewPort,
        String upstreamFile,
        String admin,
        String previewUpstreamFile) {

    static ServiceNginx start(Path project, String service, int port, int previewPort)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("scripts/nginx-proxy.sh", "start", service, Integer.toString(port), service));
        if (previewPort != 0) {
            command.add(Integer.toString(previewPort));
        }
        String paths = ProjectStack.run(project, command.toArray(String[]::new)).orFail("scripts/nginx-proxy.sh start");
        return new ServiceNginx(
                project,
                service,
                port,
                previewPort,
                ProjectStack.printed(paths, "upstreamFile"),
                ProjectStack.printed(paths, "admin"),
                previewPort == 0 ? null : ProjectStack.printed(paths, "previewUpstreamFile"));
    }

    void stop() throws IOException, InterruptedException {
        ProjectStack.run(project, "scripts/nginx-proxy.sh", "stop", service);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/";
    }

    String previewUrl() {
        return "http://127.0.0.1:" + previewPort + "/";
    }

    /** The parameters that put a release on the preview route, each starting with a comma. */
    String previewParameters() {
        return ", previewUrl: '" + previewUrl() + "', nginxPreviewUpstreamFile: '" + previewUpstreamFile + "'";
    }

    /** The servers nginx routes production to now. */
    List<String> production() throws IOException {
        return servers(upstreamFile);
    }

    /** The servers nginx routes the preview route to now. */
    List<String> preview() throws IOException {
        return servers(previewUpstreamFile);
    }

    private static List<String> servers(String routeFile) throws IOException {
        return Files.readString(Path.of(routeFile))
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("server "))
                .toList();
    }

    /**
     * The example app's {@code version} released behind this nginx: one replica, 1 s checks passing twice, the old
     * color kept warm 10 minutes; {@code more}: further parameters (the gate's deadline, verify...), each starting
     * with a comma.
     */
    String deployStep(String version, String more) {
        return "blueGreenDeploy(service: '" + service + "', image: '127.0.0.1:5000/vote', tag: '" + version + "',"
                + " buildContext: '" + project.resolve("examples/vote") + "', buildArgs: ['VERSION=" + version
                + "'], push: true, replicas: 1, containerPort: 8080, healthInterval: '1s', healthPasses: 2,"
                + " standbyKeep: '10m', routerType: 'nginx', nginxUpstreamFile: '" + upstreamFile
                + "', nginxAdmin: '" + admin + "'" + more + ")";
    }
}
