import Foundation
import PackagePlugin

/// Embeds the files of the target's `Resources/` folder in it (as `EmbeddedResources.files`), so
/// that the `atrium` binary serves them wherever it is copied (a SwiftPM resource bundle would
/// stay behind, beside the original). The target excludes the folder from its sources.
@main
struct EmbedResources: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        // The default layout (a target's own directory URL needs tools version 6.1).
        let folder = context.package.directoryURL.appending(path: "Sources/\(target.name)/Resources")
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedResources.swift")
        let files =
            FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])?
            .compactMap { $0 as? URL }
            .filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true } ?? []
        return [
            .buildCommand(
                displayName: "Embedding Resources/ in \(target.name)",
                executable: try context.tool(named: "EmbedFilesTool").url,
                arguments: [output.path, "EmbeddedResources", folder.path] + files.map(\.path),
                inputFiles: files, outputFiles: [output])
        ]
    }
}
