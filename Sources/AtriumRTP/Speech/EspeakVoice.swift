extension SpeechSynthesizer {
    /// Locales whose region selects a distinct espeak-ng voice (its `--voices` list).
    private static let regionalVoices: [String: String] = [
        "en-us": "en-us", "en-gb": "en-gb", "en-au": "en-gb", "en-ie": "en-gb", "en-in": "en-gb",
        "en-nz": "en-gb", "en-za": "en-gb", "en-ca": "en-us", "pt-br": "pt-br", "pt-pt": "pt",
        "es-mx": "es-419", "es-us": "es-419", "es-ar": "es-419", "es-co": "es-419", "es-cl": "es-419",
        "fr-be": "fr-be", "fr-ch": "fr-ch", "zh-cn": "cmn", "zh-tw": "cmn", "zh-hk": "yue",
    ]

    /// Languages espeak-ng 1.51 speaks, by their ISO 639 code.
    private static let languages: Set<String> = [
        "af", "am", "an", "ar", "as", "az", "ba", "be", "bg", "bn", "bs", "ca", "cs", "cv", "cy", "da", "de",
        "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fr", "ga", "gd", "gn", "gu", "he", "hi", "hr", "ht",
        "hu", "hy", "ia", "id", "io", "is", "it", "ja", "ka", "kk", "kl", "kn", "ko", "ku", "ky", "la", "lb",
        "lt", "lv", "mi", "mk", "ml", "mr", "ms", "mt", "my", "nb", "ne", "nl", "om", "or", "pa", "pl", "pt",
        "qu", "ro", "ru", "sd", "si", "sk", "sl", "sq", "sr", "sv", "sw", "ta", "te", "th", "tk", "tn", "tr",
        "tt", "ug", "uk", "ur", "uz", "vi",
    ]

    /// The espeak-ng voice for an Azure neural voice name ("en-US-JennyNeural" → "en-us",
    /// "de-DE-KatjaNeural" → "de", "fr-FR-DeniseNeural" → "fr"); "en-us" for anything unknown.
    public static func espeakVoice(forAzureVoice name: String) -> String {
        let parts = name.lowercased().split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first.map(String.init) else { return "en-us" }
        if parts.count >= 2, let regional = regionalVoices["\(language)-\(parts[1])"] { return regional }
        if language == "en" { return "en-us" }
        if language == "nn" || language == "no" { return "nb" }
        if language == "zh" { return "cmn" }
        return languages.contains(language) ? language : "en-us"
    }
}
