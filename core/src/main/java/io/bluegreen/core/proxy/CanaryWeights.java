package io.bluegreen.core.proxy;

/**
 * The server weights of a canary step, as HAProxy's and nginx's runtime routers set them: each canary server gets
 * {@code percent × stable count}, each stable one {@code (100 − percent) × canary count}, so the canary's servers
 * together take {@code percent} of the traffic; scaled down into the proxy's 1..{@code max} when larger.
 */
record CanaryWeights(int stable, int canary) {
    static CanaryWeights of(int percent, int stableCount, int canaryCount, int max) {
        long stable = (long) (100 - percent) * canaryCount;
        long canary = (long) percent * stableCount;
        double scale = Math.max(1.0, Math.max(stable, canary) / (double) max);
        return new CanaryWeights((int) Math.max(1, Math.round(stable / scale)), (int) Math.max(1, Math.round(canary / scale)));
    }
}
