import ArgumentParser
import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// HTTPS for `atrium serve`: a certificate and key of one's own, or one for localhost that Atrium
/// makes and keeps under the data folder, for development.
struct TLSOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Serve HTTPS with this certificate (PEM; the chain after it, if any). Needs --tls-key.",
            valueName: "file"))
    var tlsCert: String?
    @Option(help: ArgumentHelp("The private key of --tls-cert (PEM).", valueName: "file"))
    var tlsKey: String?
    @Flag(
        help: """
            Serve HTTPS with a certificate for localhost, 127.0.0.1 and ::1, made under --data-dir \
            (tls/localhost.crt) and kept for the next start; for development. Prints how to trust it.
            """)
    var tlsSelfSigned = false

    func validate() throws {
        if tlsSelfSigned, tlsCert != nil || tlsKey != nil {
            throw ValidationError(
                "--tls-self-signed makes its own certificate: give it without --tls-cert and --tls-key.")
        }
        if (tlsCert == nil) != (tlsKey == nil) {
            throw ValidationError("--tls-cert and --tls-key go together: give both, or neither.")
        }
    }

    /// What serving HTTPS needs, read (or, for `--tls-self-signed`, made) before anything starts.
    struct Loaded {
        var configuration: TLSConfiguration
        /// For `--tls-self-signed`: the certificate to trust, and whether it was made just now.
        var selfSigned: (certificate: URL, notValidAfter: Date, isNew: Bool)?
    }

    /// A one-line reason the server cannot use the given certificate or key.
    struct Failure: Error {
        var message: String
    }

    /// The TLS configuration, or nil when serving plain HTTP.
    func load(dataDirectory: URL) throws(Failure) -> Loaded? {
        if tlsSelfSigned {
            let made = try SelfSignedCertificate.ensure(in: dataDirectory.appendingPathComponent("tls"))
            let configuration = try Self.configuration(
                certificate: made.certificate.path, key: made.key.path, certificateFlag: "the self-signed certificate",
                keyFlag: "the self-signed certificate's key")
            return Loaded(
                configuration: configuration,
                selfSigned: (made.certificate, made.notValidAfter, made.isNew))
        }
        guard let tlsCert, let tlsKey else { return nil }
        return Loaded(
            configuration: try Self.configuration(
                certificate: tlsCert, key: tlsKey, certificateFlag: "--tls-cert", keyFlag: "--tls-key"),
            selfSigned: nil)
    }

    /// Reads the certificate chain and key, and checks that they belong together.
    private static func configuration(
        certificate: String, key: String, certificateFlag: String, keyFlag: String
    ) throws(Failure) -> TLSConfiguration {
        let chainPEM = try read(certificate, flag: certificateFlag)
        let keyPEM = try read(key, flag: keyFlag)
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(chainPEM))
        } catch {
            throw Failure(message: "\(certificateFlag) \(certificate) is not a PEM certificate")
        }
        guard !chain.isEmpty else {
            throw Failure(message: "\(certificateFlag) \(certificate) holds no PEM certificate")
        }
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: Array(keyPEM), format: .pem)
        } catch {
            throw Failure(message: "\(keyFlag) \(key) is not a PEM private key (an encrypted key is not supported)")
        }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
        // The context checks that the key is the certificate's.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw Failure(message: "\(keyFlag) \(key) is not the private key of the certificate in \(certificate)")
        }
        return configuration
    }

    private static func read(_ path: String, flag: String) throws(Failure) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = (error as NSError).localizedFailureReason ?? "cannot be read"
            throw Failure(message: "\(flag) \(path) cannot be read: \(reason)")
        }
    }
}

/// A certificate for localhost, 127.0.0.1 and ::1, signed by its own key: what `--tls-self-signed`
/// serves. Kept as `localhost.crt` and `localhost.key` and reused while valid for another day, so
/// a client told to trust it goes on trusting it across restarts.
enum SelfSignedCertificate {
    static let validity: TimeInterval = 397 * 86_400  // the longest any client accepts for a server certificate
    static let names = ["localhost", "127.0.0.1", "::1"]

    static func ensure(in directory: URL) throws(TLSOptions.Failure) -> (
        certificate: URL, key: URL, notValidAfter: Date, isNew: Bool
    ) {
        let certificateFile = directory.appendingPathComponent("localhost.crt")
        let keyFile = directory.appendingPathComponent("localhost.key")
        if let notValidAfter = usable(certificate: certificateFile, key: keyFile) {
            return (certificateFile, keyFile, notValidAfter, false)
        }
        do {
            try FileManager.default.createDirectory(
                at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
            if !FileManager.default.fileExists(atPath: directory.path) {
                try FileManager.default.createDirectory(
                    at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            }
            let (certificate, key) = try make(now: Date())
            try EmbeddedPostgres.writeSecret(try key.serializeAsPEM().pemString + "\n", to: keyFile)
            try? FileManager.default.removeItem(at: certificateFile)
            try Data((try certificate.serializeAsPEM().pemString + "\n").utf8).write(to: certificateFile)
            return (certificateFile, keyFile, certificate.notValidAfter, true)
        } catch {
            throw TLSOptions.Failure(
                message: "cannot write a self-signed certificate under \(directory.path): \(error)")
        }
    }

    /// When the stored certificate expires, if it is for our names, valid for at least another day,
    /// and its key is beside it.
    private static func usable(certificate: URL, key: URL) -> Date? {
        guard let certificatePEM = try? String(contentsOf: certificate, encoding: .utf8),
            let keyPEM = try? String(contentsOf: key, encoding: .utf8),
            let parsed = try? Certificate(pemEncoded: certificatePEM),
            let privateKey = try? Certificate.PrivateKey(pemEncoded: keyPEM),
            privateKey.publicKey == parsed.publicKey,
            parsed.notValidBefore <= Date(), parsed.notValidAfter > Date().addingTimeInterval(86_400),
            let subjectAlternativeNames = try? parsed.extensions.subjectAlternativeNames,
            Set(subjectAlternativeNames) == Set(alternativeNames())
        else { return nil }
        return parsed.notValidAfter
    }

    static func make(now: Date) throws -> (Certificate, Certificate.PrivateKey) {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName {
            OrganizationName("Atrium development certificate")
            CommonName("localhost")
        }
        let identifier = SubjectKeyIdentifier(hash: key.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth])
            SubjectAlternativeNames(alternativeNames())
            identifier
            AuthorityKeyIdentifier(keyIdentifier: identifier.keyIdentifier)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            // An hour back: a client whose clock is a little behind still accepts it.
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(validity),
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: key)
        return (certificate, key)
    }

    private static func alternativeNames() -> [GeneralName] {
        names.map { name in
            if let address = IPAddressBytes(name) {
                return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...]))
            }
            return .dnsName(name)
        }
    }
}

/// The bytes of an IPv4 or IPv6 address written as text.
private struct IPAddressBytes {
    var bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
            return
        }
        return nil
    }
}
