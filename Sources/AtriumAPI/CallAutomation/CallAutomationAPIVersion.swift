import Hummingbird

/// The Call Automation api-versions Atrium speaks: 2023-03-06 (what azure-communication-callautomation
/// 1.0.0 sends, and the official samples written for it), 2023-06-15-preview (1.1.0b1), and
/// 2023-10-15 through 2026-03-12, what 1.6.0 offers (it sends 2026-03-12 by default). The requests
/// Atrium serves have the same shape in all of them; some callbacks do not (`CallbackShape`).
enum CallAutomationAPIVersion: String, APIVersionParameter, Sendable {
    case v2023_03_06 = "2023-03-06"
    case v2023_06_15_preview = "2023-06-15-preview"
    case v2023_10_15 = "2023-10-15"
    case v2024_04_15 = "2024-04-15"
    case v2024_09_15 = "2024-09-15"
    case v2025_05_15 = "2025-05-15"
    case v2025_06_15 = "2025-06-15"
    case v2026_03_12 = "2026-03-12"
}
