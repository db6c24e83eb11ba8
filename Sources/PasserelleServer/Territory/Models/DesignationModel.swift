import Fluent
import Foundation
import PasserelleCore

final class DesignationModel: Model, @unchecked Sendable {
    static let schema = "designations"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "is_local_municipality") var isLocalMunicipality: Bool

    init() {}

    init(_ record: DesignationRecord) {
        update(record)
    }

    func update(_ record: DesignationRecord) {
        code = record.code
        name = record.name
        isLocalMunicipality = record.isLocalMunicipality
    }

    var record: DesignationRecord { DesignationRecord(code: code, name: name, isLocalMunicipality: isLocalMunicipality) }
}
