/// A command that cannot do its work says why in one line (ArgumentParser prints it after
/// `Error:`, without the usage text a `ValidationError` adds) and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
