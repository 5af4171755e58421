extension Migration {
    /// The checksums that a database migrated before functions had files of their own recorded for
    /// the migrations that defined functions then (SHA-256 of their text at that time, kept in
    /// Tests/Fixtures/migrations-before-function-files.json).
    ///
    /// Those migrations now keep only their tables, columns and indexes, unchanged: such a database
    /// has all of them already, so the migrator accepts the old checksum (and records the new one),
    /// and its functions are replaced by the function files like any changed function.
    static let checksumsBeforeFunctionFiles: [Int: String] = [
        2: "d91a05442c54d02cf2bdc6e65272fd854a7c3dcfceccf90f3d4268ac33dde235",
        3: "1171f5f7e4e4b7c9026a4204bfe28bcca9b31fd1d730f2a85cfdc553a572dd28",
        4: "1b7612a29a133754a46c2f4835e450040f380e96adba18ab690c74e09ee47e18",
        5: "2f16b4e54098453418ba33dbcd70a00df5df4ffd5644923bbb4c5d2f2e09c155",
        6: "06391862c5ad995c9d5eec47101fd8b892b62c808ccea528a9f873250ab50e7c",
        7: "59f89a0267ec1340067a9d1a0d86357ae6c4ab253e3a21e49379693dfbd74b71",
        8: "f1a9b86ebb5a7c05eceb9fa92e0a7a0af2aa6d61b638ed5516b372dcadf9563d",
        10: "53145bf60368d73e2197a6c10c42123d49db7eef8e8e64bdd6f8db547af73209",
        11: "73303ee93a9ac813007151f667d7f7ce133f1597954d57a57a682cfac1e9511b",
        13: "add0ca9485b676bc1f00fb4e52a50f5c9d559e090a4ca4b18317a64449de1600",
    ]
}
