import AtriumDomain

/// JSON indented for a terminal, keys in the order they were written.
enum PrettyJSON {
    static func format(_ value: JSONValue) -> String {
        var output = ""
        write(value, indent: "", to: &output)
        return output
    }

    private static func write(_ value: JSONValue, indent: String, to output: inout String) {
        let inner = indent + "  "
        switch value {
        case .array(let values) where !values.isEmpty:
            output += "[\n"
            for (index, element) in values.enumerated() {
                output += inner
                write(element, indent: inner, to: &output)
                output += index < values.count - 1 ? ",\n" : "\n"
            }
            output += indent + "]"
        case .object(let members) where !members.isEmpty:
            output += "{\n"
            for (index, member) in members.enumerated() {
                output += inner + JSONObjectWriter.quoted(member.key) + ": "
                write(member.value, indent: inner, to: &output)
                output += index < members.count - 1 ? ",\n" : "\n"
            }
            output += indent + "}"
        default:
            output += value.serialized
        }
    }
}
