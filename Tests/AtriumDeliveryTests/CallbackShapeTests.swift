import Testing

@testable import AtriumDelivery

/// Which DTMF callback fields each Call Automation api-version gets (the REST specification's
/// definitions, version by version; CallbackShape).
struct CallbackShapeTests {
    @Test(arguments: [
        ("2023-03-06", true, true),
        ("2023-06-15-preview", false, true),
        ("2023-10-15", false, false),
        ("2024-04-15", false, false),
        ("2026-03-12", false, false),
    ])
    func eachApiVersionGetsItsOwnFields(version: String, collectTonesResult: Bool, toneInfo: Bool) {
        #expect(
            CallbackShape(apiVersion: version)
                == CallbackShape(collectTonesResult: collectTonesResult, toneInfo: toneInfo))
    }

    @Test func aConnectionRecordedWithoutItsVersionGetsTheNewestShape() {
        #expect(CallbackShape(apiVersion: nil) == .newest)
    }
}
