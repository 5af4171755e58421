import Hummingbird

/// The api-versions of Atrium's own APIs (event subscriptions, audit), versioned together and
/// checked like the ACS ones.
enum AtriumAPIVersion: String, APIVersionParameter, Sendable {
    case v2025_06_01 = "2025-06-01"

}
