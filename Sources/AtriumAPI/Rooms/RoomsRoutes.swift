import AtriumApplication
import AtriumDomain
import AtriumProjections
import AtriumStore
import Foundation
import HTTPTypes
import Hummingbird

/// The seven operations of the ACS Rooms API.
struct RoomsRoutes: Sendable {
    let commands: CommandHandler<RoomDecider>
    let readModel: RoomReadModel
    let clock: @Sendable () -> Date

    func register(on router: Router<AtriumRequestContext>) {
        router.post("/rooms", use: create)
        router.get("/rooms", use: list)
        router.get("/rooms/:roomId", use: get)
        router.patch("/rooms/:roomId", use: update)
        router.delete("/rooms/:roomId", use: delete)
        router.get("/rooms/:roomId/participants", use: listParticipants)
        router.patch("/rooms/:roomId/participants", use: updateParticipants)
    }

    @Sendable func create(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let apiVersion = try RoomsAPIVersion(of: request)
        let body = try await JSONBody.object(of: request)
        try JSONBody.requireOnly(["validFrom", "validUntil", "pstnDialOutEnabled", "participants"], in: body)
        let properties = try RoomRequests.properties(body)
        let participants = try RoomRequests.rosterChanges(body["participants"], required: false)
            .filter { $0.action != .remove }
        let now = Timestamp.normalized(clock())
        let commandRequest = try CommandRequest(request, context, now: now)
        var generator = SystemRandomNumberGenerator()
        let roomId = RoomId.random(using: &generator)
        let command = CreateRoom(
            roomId: roomId, now: now, validFrom: properties.validFrom, validUntil: properties.validUntil,
            pstnDialOutEnabled: properties.pstnDialOutEnabled, participants: participants, apiVersion: apiVersion)
        let location = "http://\(request.head.authority ?? "localhost")/rooms/\(roomId)"
        return try await commandRequest.run(
            .create(command), named: RoomCommand.create(command).name, on: roomId.streamId, isNewStream: true,
            with: commands
        ) { room in
            CommandAnswer(.created, headers: ["Location": location], body: RoomRepresentation.model(room).serialized)
        }
    }

    @Sendable func list(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let apiVersion = try RoomsAPIVersion(of: request)
        let paging = try Paging(request)
        let page = try await readModel.rooms(after: paging.cursor, limit: paging.pageSize)
        let body = RoomRepresentation.page(
            page.items.map(RoomRepresentation.model),
            nextLink: paging.nextLink(for: request, next: page.nextCursor, apiVersion: apiVersion.rawValue))
        return JSONResponse.make(status: .ok, body: body)
    }

    @Sendable func get(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try RoomsAPIVersion(of: request)
        let roomId = try Self.roomId(context)
        guard let room = try await readModel.room(roomId.value) else { throw Self.roomNotFound(roomId) }
        return JSONResponse.make(status: .ok, body: RoomRepresentation.model(room))
    }

    @Sendable func update(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try RoomsAPIVersion(of: request)
        let roomId = try Self.roomId(context)
        let body = try await JSONBody.object(of: request)
        try JSONBody.requireOnly(["validFrom", "validUntil", "pstnDialOutEnabled"], in: body)
        let properties = try RoomRequests.properties(body)
        let now = Timestamp.normalized(clock())
        let command = RoomCommand.update(
            UpdateRoom(
                now: now, validFrom: properties.validFrom, validUntil: properties.validUntil,
                pstnDialOutEnabled: properties.pstnDialOutEnabled))
        return try await CommandRequest(request, context, now: now).run(
            command, named: command.name, on: roomId.streamId, with: commands
        ) { room in
            CommandAnswer(.ok, body: RoomRepresentation.model(room).serialized)
        }
    }

    @Sendable func delete(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        _ = try RoomsAPIVersion(of: request)
        let roomId = try Self.roomId(context)
        let now = Timestamp.normalized(clock())
        let command = RoomCommand.delete(DeleteRoom())
        return try await CommandRequest(request, context, now: now).run(
            command, named: command.name, on: roomId.streamId, with: commands
        ) { _ in
            CommandAnswer(.noContent)
        }
    }

    @Sendable func listParticipants(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let apiVersion = try RoomsAPIVersion(of: request)
        let roomId = try Self.roomId(context)
        let paging = try Paging(request)
        guard
            let page = try await readModel.participants(of: roomId.value, after: paging.cursor, limit: paging.pageSize)
        else { throw Self.roomNotFound(roomId) }
        let body = RoomRepresentation.page(
            page.items.map(RoomRepresentation.participant),
            nextLink: paging.nextLink(for: request, next: page.nextCursor, apiVersion: apiVersion.rawValue))
        return JSONResponse.make(status: .ok, body: body)
    }

    @Sendable func updateParticipants(_ request: Request, context: AtriumRequestContext) async throws -> Response {
        let apiVersion = try RoomsAPIVersion(of: request)
        let roomId = try Self.roomId(context)
        let body = try await JSONBody.object(of: request)
        try JSONBody.requireOnly(["participants"], in: body)
        let changes = try RoomRequests.rosterChanges(body["participants"], required: true)
        let now = Timestamp.normalized(clock())
        let command = RoomCommand.changeRoster(ChangeRoster(changes: changes, apiVersion: apiVersion))
        return try await CommandRequest(request, context, now: now).run(
            command, named: command.name, on: roomId.streamId, with: commands
        ) { _ in
            CommandAnswer(.ok, body: "{}")
        }
    }

    // MARK: Shared steps

    static func roomId(_ context: AtriumRequestContext) throws -> RoomId {
        try RoomId(validating: context.parameters.get("roomId") ?? "")
    }

    static func roomNotFound(_ roomId: RoomId) -> DomainError {
        DomainError(.notFound, "Room \(roomId) was not found.", target: "roomId")
    }
}
