import Foundation
import Testing

@testable import AtriumStore

/// The binary carries `Migrations/` byte for byte.
struct EmbeddedMigrationsTests {
    @Test func theEmbeddedSchemaIsTheCheckoutsMigrationsFolder() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Migrations")
        let checkout = try DatabaseSchema.load(from: folder)
        let embedded = DatabaseSchema.embedded
        #expect(embedded.migrations.map(\.name) == checkout.migrations.map(\.name))
        #expect(embedded.migrations.map(\.checksum) == checkout.migrations.map(\.checksum))
        #expect(embedded.functions.map(\.name) == checkout.functions.map(\.name))
        #expect(embedded.functions.map(\.checksum) == checkout.functions.map(\.checksum))
        #expect(!embedded.functions.isEmpty)
    }
}
