package io.bluegreen.cli;

import picocli.CommandLine;

/** The version Maven stamped into the jar manifest. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = BlueGreenCli.class.getPackage().getImplementationVersion();
        return new String[] {"bluegreen " + (v == null ? "development build" : v)};
    }
}
