package io.bluegreen.core.engine.port;

/** Building, pushing or pulling an image failed, with why. */
public class ImageException extends RuntimeException {
    public ImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
