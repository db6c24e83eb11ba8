import Fluent

/// The last number given to an intervention, by year (`IV-2026-000123`).
final class WorkCounterModel: Model, @unchecked Sendable {
    static let schema = "works_counters"

    @ID(custom: .id, generatedBy: .user) var id: Int?
    @Field(key: "last") var last: Int

    init() {}
}
