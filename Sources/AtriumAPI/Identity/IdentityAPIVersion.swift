import Hummingbird

/// The Identity api-versions Atrium speaks: those of azure-communication-identity 1.5.0's
/// `ApiVersion` (it sends 2023-10-01 by default) and 2023-08-01 of the REST specs. The operations
/// used here are the same in all of them.
enum IdentityAPIVersion: String, APIVersionParameter, Sendable {
    case v2021_03_07 = "2021-03-07"
    case v2022_06_01 = "2022-06-01"
    case v2022_10_01 = "2022-10-01"
    case v2023_08_01 = "2023-08-01"
    case v2023_10_01 = "2023-10-01"

}
