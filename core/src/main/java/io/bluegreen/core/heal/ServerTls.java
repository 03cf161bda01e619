package io.bluegreen.core.heal;

import io.bluegreen.core.spec.InvalidSpecException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.SignatureException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The heal server's TLS identity, read with the JDK alone: a PEM certificate chain with its unencrypted PKCS#8 PEM key
 * ({@code --tls-cert} and {@code --tls-key}), or a PKCS#12 file ({@code --tls-cert} alone, its password from the
 * environment). Every refusal names the flag and says how to fix it, never a key's bytes.
 */
public final class ServerTls {
    private static final Pattern PKCS8 = Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
    private static final List<String> KEY_ALGORITHMS = List.of("RSA", "EC", "Ed25519", "Ed448");
    private static final int MAX_FILE_BYTES = 1 << 20;

    private ServerTls() {
    }

    /**
     * The context to serve with. {@code key} empty: {@code cert} is PKCS#12, opened with {@code password} (empty when
     * the environment gives none); else both are PEM and the key must be the certificate's.
     */
    public static SSLContext load(Path cert, Optional<Path> key, char[] password) {
        try {
            KeyStore store = key.isPresent() ? fromPem(cert, key.get()) : fromPkcs12(cert, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, new SecureRandom());
            return tls;
        } catch (GeneralSecurityException e) {
            throw new InvalidSpecException("--tls-cert: cannot serve TLS with it: " + e.getMessage());
        }
    }

    private static KeyStore fromPkcs12(Path file, char[] password) throws GeneralSecurityException {
        byte[] bytes = read("--tls-cert", file);
        if (new String(bytes, 0, Math.min(bytes.length, 64), StandardCharsets.US_ASCII).contains("-----BEGIN")) {
            throw new InvalidSpecException("--tls-cert: " + file + " is PEM: give its private key with --tls-key (or a PKCS#12"
                    + " file alone)");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(new ByteArrayInputStream(bytes), password);
        } catch (IOException e) {
            throw new InvalidSpecException("--tls-cert: " + file + " is neither PEM nor a PKCS#12 file this password opens"
                    + " (BLUEGREEN_TLS_PASSWORD): " + e.getMessage());
        }
        boolean hasKey = false;
        for (String alias : Collections.list(store.aliases())) {
            hasKey |= store.isKeyEntry(alias);
        }
        if (!hasKey) {
            throw new InvalidSpecException("--tls-cert: " + file + " holds no private key");
        }
        return store;
    }

    private static KeyStore fromPem(Path certFile, Path keyFile) throws GeneralSecurityException {
        Collection<? extends Certificate> chain;
        try {
            chain = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(read("--tls-cert", certFile)));
        } catch (GeneralSecurityException e) {
            throw new InvalidSpecException("--tls-cert: " + certFile + " is not a PEM certificate chain: " + e.getMessage());
        }
        if (chain.isEmpty() || !(chain.iterator().next() instanceof X509Certificate leaf)) {
            throw new InvalidSpecException("--tls-cert: " + certFile + " holds no certificate");
        }
        PrivateKey key = privateKey(keyFile);
        requirePair(leaf, key, keyFile);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try {
            store.load(null, null);
        } catch (IOException e) {
            throw new IllegalStateException("an empty key store always loads", e);
        }
        store.setKeyEntry("heal-server", key, new char[0], chain.toArray(new Certificate[0]));
        return store;
    }

    private static PrivateKey privateKey(Path file) {
        String pem = new String(read("--tls-key", file), StandardCharsets.US_ASCII);
        Matcher m = PKCS8.matcher(pem);
        if (!m.find()) {
            String how = pem.contains("ENCRYPTED PRIVATE KEY") ? "it is encrypted: decrypt it with `openssl pkcs8 -in KEY -out PLAIN`"
                    : "convert it with `openssl pkcs8 -topk8 -nocrypt -in KEY -out PLAIN`";
            throw new InvalidSpecException("--tls-key: " + file + " is not an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----): "
                    + how);
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(m.group(1));
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("--tls-key: " + file + " is not valid base64 between its PEM lines");
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException notThisOne) {
                // the next algorithm
            }
        }
        throw new InvalidSpecException("--tls-key: " + file + " is not an " + String.join(", ", KEY_ALGORITHMS) + " private key");
    }

    /** A key that is not the certificate's would only fail at each client's handshake: say it at start instead. */
    private static void requirePair(X509Certificate leaf, PrivateKey key, Path keyFile) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        boolean pair;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            pair = verifier.verify(signer.sign());
        } catch (InvalidKeyException | SignatureException e) {
            pair = false;
        }
        if (!pair) {
            throw new InvalidSpecException("--tls-key: " + keyFile + " is not the private key of the certificate in --tls-cert ("
                    + leaf.getSubjectX500Principal().getName() + ")");
        }
    }

    private static byte[] read(String flag, Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InvalidSpecException(flag + ": " + file + " is larger than 1 MiB");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidSpecException(flag + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
    }
}
