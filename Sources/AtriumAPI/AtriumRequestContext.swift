import Hummingbird

/// The per-request context of Atrium's routes.
public struct AtriumRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { RequestLimits.maxBodyBytes }
}
