import AtriumDomain
import Testing

/// The strict, order-keeping JSON reader behind every request body.
struct JSONParserTests {
    func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test func objectKeysKeepTheirOrder() throws {
        let value = try parse(#"{"b": 1, "a": {"z": null, "y": [true, "x"]}}"#)
        guard case .object(let members) = value, case .object(let inner)? = value["a"] else {
            Issue.record("not an object")
            return
        }
        #expect(members.map(\.key) == ["b", "a"])
        #expect(inner.map(\.key) == ["z", "y"])
    }

    @Test func serializationRoundTrips() throws {
        let text = #"{"s":"a\"b\\c\nd","n":-1.5,"i":42,"t":true,"f":false,"z":null,"a":[1,2]}"#
        #expect(try parse(text).serialized == text)
    }

    @Test func escapesAndSurrogatePairsDecode() throws {
        #expect(try parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
    }

    /// Strings without an escape take a shorter path than those with one: both read the same.
    @Test func plainAndEscapedStringsDecodeAlike() throws {
        #expect(try parse(#""""#) == .string(""))
        #expect(try parse(#""8:acs:é😀 room""#) == .string("8:acs:é😀 room"))
        #expect(try parse(#""plain then \"quoted\" then \\""#) == .string(#"plain then "quoted" then \"#))
        #expect(try parse(#"["a","b\n",""]"#) == .array([.string("a"), .string("b\n"), .string("")]))
    }

    @Test(arguments: [
        "", "{", #"{"a" 1}"#, #"{"a": 1,}"#, "[1,]", "01", "1.", "-", #""\x""#, #""\ud83d""#, "tru", "{} {}",
        #"{"a": 1, "a": 2}"#, "\"line\nbreak\"", "\"unterminated", "\"tab\tafter\\n\"",
    ])
    func malformedInputIsRefused(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { try parse(text) }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.Failure.self) { try parse(deep) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { try parse(fine) }
    }
}
