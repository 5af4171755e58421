import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// Why an attempt got no HTTP answer, told apart so that an operator sees what to fix (a name that
/// does not resolve, a port nobody listens on, a certificate, a receiver that never answers).
///
/// A small closed set: it labels the failure counter, whose series must stay few.
enum TransportFailure: String, Sendable, CaseIterable {
    /// The endpoint's host name did not resolve.
    case dns
    /// Nothing listens at the endpoint's address and port (the connection was refused).
    case refused
    /// The TLS handshake failed: a certificate not trusted, or no TLS at the other end.
    case tls
    /// No connection, or no answer, within its time.
    case timeout
    /// Any other failure of the connection (reset, closed before the answer, unreachable network).
    case connection

    init(classifying error: any Error) {
        self = Self.classify(error) ?? .connection
    }

    private static func classify(_ error: any Error) -> TransportFailure? {
        switch error {
        case let error as HTTPClientError:
            switch error {
            case .connectTimeout, .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return .timeout
            case .tlsHandshakeTimeout:
                return .tls
            default:
                return nil
            }
        case let error as NIOConnectionError:
            // A host name's failure: its lookups failed (then there is no connection error), or
            // the first address that was tried says why.
            if let first = error.connectionErrors.first { return classify(first.error) }
            if error.dnsAError != nil || error.dnsAAAAError != nil { return .dns }
            return nil
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            return .dns
        case let error as IOError:
            switch error.errnoCode {
            case ECONNREFUSED: return .refused
            case ETIMEDOUT: return .timeout
            default: return nil
            }
        case let error as ChannelError:
            if case .connectTimeout = error { return .timeout }
            return nil
        default:
            // The TLS layer's errors (NIOSSLError, BoringSSLError, …) are known by their module: the
            // delivery needs no TLS library of its own to tell them apart.
            let type = String(reflecting: Swift.type(of: error))
            return type.hasPrefix("NIOSSL.") ? .tls : nil
        }
    }
}
