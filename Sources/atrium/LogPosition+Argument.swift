import ArgumentParser
import AtriumStore

/// A log position on the command line, as `atrium consumers list` prints it: `<transaction>/<position>`.
extension LogPosition: ExpressibleByArgument {
    public init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let transaction = Int64(parts[0]), let global = Int64(parts[1]),
            transaction >= 0, global >= 0
        else { return nil }
        self.init(transactionId: transaction, globalPosition: global)
    }
}
