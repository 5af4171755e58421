import ArgumentParser
import AtriumAPI

struct Atrium: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "atrium",
        abstract: "An event-sourced engine for virtual rooms and call automation, speaking the ACS wire format.",
        discussion: """
            Every change is a command checked against an aggregate and appended to a PostgreSQL event \
            log; the rooms you read are projections of it.

            Start here:  atrium serve            (embedded PostgreSQL under ./atrium-data)
            Database:    set DATABASE_URL=postgres://user:pass@host:port/db to use your own server.
            """,
        version: AtriumVersion.current,
        subcommands: [
            Serve.self, ListenCommand.self, RequestCommand.self, PsqlCommand.self, Migrate.self, AuditCommand.self,
            RebuildCommand.self, ConsumersCommand.self, OutboxCommand.self, Bench.self, BenchDelivery.self,
            BenchRebuild.self, BenchLegs.self,
        ],
        defaultSubcommand: nil
    )
}
