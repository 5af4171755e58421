import ArgumentParser

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Benchmark create-room commands over HTTP against a pgbench baseline.")
    func run() async throws {}
}
