import Foundation
import PackagePlugin

/// Embeds the package's `Migrations/**/*.sql` in the target (as `EmbeddedMigrations.files`), so
/// that the `atrium` binary carries its schema and runs wherever it is copied. SwiftPM resources
/// would not do: they live in a bundle beside the binary, which a copy leaves behind.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Migrations")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        let files =
            FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "sql" } ?? []
        return [
            .buildCommand(
                displayName: "Embedding Migrations/ in \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path, "EmbeddedMigrations", folder.path] + files.map(\.path),
                inputFiles: files, outputFiles: [output])
        ]
    }
}
