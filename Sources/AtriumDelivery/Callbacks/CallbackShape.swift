/// Where the data of a DTMF callback differs between Call Automation api-versions: each connection
/// hears its callbacks in the shape of the api-version it connected with, so that an application
/// written for that version (the official samples among them) reads the fields it expects.
///
/// From the REST specification (Azure/azure-rest-api-specs,
/// specification/communication/data-plane/CallAutomation):
/// - `RecognizeCompleted`: `collectTonesResult {tones}` in preview/2023-01-15-preview and in what
///   the 2023-03-06 SDKs (azure-communication-callautomation 1.0.0, its `CollectTonesResult` model,
///   and the samples written for it) read, though stable/2023-03-06 as revised since names it
///   `dtmfResult`; `dtmfResult {tones}` from preview/2023-06-15-preview on (stable/2023-10-15 and
///   every later version).
/// - `ContinuousDtmfRecognitionToneReceived`: `toneInfo {sequenceId, tone}` in
///   preview/2023-06-15-preview (the `ToneInfo` definition), and before it; `sequenceId` and `tone`
///   at the top of `data` from preview/2023-10-03-preview and stable/2023-10-15 on.
struct CallbackShape: Equatable {
    /// `RecognizeCompleted` carries its tones in `collectTonesResult` rather than `dtmfResult`.
    var collectTonesResult: Bool
    /// `ContinuousDtmfRecognitionToneReceived` nests its tone in `toneInfo`.
    var toneInfo: Bool

    static let newest = CallbackShape(collectTonesResult: false, toneInfo: false)

    /// The shape for a connection made with `apiVersion` (nil: not recorded, the newest shape).
    /// An api-version begins with its date (`2023-06-15-preview`): the date decides.
    init(apiVersion: String?) {
        guard let apiVersion else {
            self = .newest
            return
        }
        let day = String(apiVersion.prefix(10))
        self.init(collectTonesResult: day < "2023-06-15", toneInfo: day < "2023-10-03")
    }

    init(collectTonesResult: Bool, toneInfo: Bool) {
        self.collectTonesResult = collectTonesResult
        self.toneInfo = toneInfo
    }
}
