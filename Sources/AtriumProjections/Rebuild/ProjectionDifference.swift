/// A row found in only one of a live table and its fresh rebuild (rows are compared whole, as
/// multisets: a changed row shows up once on each side).
public struct ProjectionDifference: Sendable, Equatable {
    public enum Side: String, Sendable {
        case live
        case rebuild
    }

    public var table: String
    public var onlyIn: Side
    /// How many rows of this table are only on this side (more than are listed, past the limit).
    public var rowsOnThisSide: Int
    /// The row as a JSON object, column names as keys.
    public var row: String

    public init(table: String, onlyIn: Side, rowsOnThisSide: Int, row: String) {
        self.table = table
        self.onlyIn = onlyIn
        self.rowsOnThisSide = rowsOnThisSide
        self.row = row
    }
}
