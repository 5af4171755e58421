import Foundation
import PostgresNIO

/// Turns `postgres://user:password@host:port/database` (or `?host=/socket/dir`) into a client configuration.
public enum DatabaseURL {
    public struct Invalid: Error, CustomStringConvertible {
        public var description: String
    }

    public static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "")
        else { throw Invalid(description: "DATABASE_URL must look like postgres://user:password@host:port/database") }
        let username = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        let database = path.isEmpty ? username : path
        let query = Dictionary(
            (components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        var configuration: PostgresClient.Configuration
        if let socketDirectory = query["host"], socketDirectory.hasPrefix("/") {
            let port = components.port ?? 5432
            configuration = .init(
                unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: username, password: password,
                database: database)
        } else {
            let host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
            configuration = .init(
                host: host, port: components.port ?? 5432, username: username, password: password, database: database,
                tls: .disable)
        }
        return configuration
    }

    /// The settings every Atrium connection runs with.
    public static func tuned(_ configuration: PostgresClient.Configuration, maximumConnections: Int = 32)
        -> PostgresClient.Configuration
    {
        var configuration = configuration
        configuration.options.maximumConnections = maximumConnections
        // The log's readers wait for the oldest open transaction: never let one idle for long.
        configuration.options.additionalStartupParameters = [
            ("idle_in_transaction_session_timeout", "60000"),
            ("application_name", "atrium"),
        ]
        return configuration
    }
}
