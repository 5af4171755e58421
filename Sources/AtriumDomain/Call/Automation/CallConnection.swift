/// A server application's connection to a call (ACS Call Automation's call connection): where its
/// callbacks go, and whether it is still in the call.
public struct CallConnection: Equatable, Sendable {
    public var connectionId: String
    public var callbackUri: String
    public var operationContext: String?
    /// The application's identifier in the call.
    public var application: String
    public var isConnected: Bool
    /// The Call Automation api-version of the connect request; nil when not recorded.
    public var apiVersion: String?

    public init(
        connectionId: String, callbackUri: String, operationContext: String?, application: String,
        isConnected: Bool = true, apiVersion: String? = nil
    ) {
        self.connectionId = connectionId
        self.callbackUri = callbackUri
        self.operationContext = operationContext
        self.application = application
        self.isConnected = isConnected
        self.apiVersion = apiVersion
    }
}

/// A participant a call connection asked to add, until they are in the call or the attempt ends.
public struct PendingAdd: Equatable, Sendable {
    public var invitationId: String
    public var rawId: String
    public var connectionId: String
    public var operationContext: String?

    public init(invitationId: String, rawId: String, connectionId: String, operationContext: String?) {
        self.invitationId = invitationId
        self.rawId = rawId
        self.connectionId = connectionId
        self.operationContext = operationContext
    }
}
