@testable import PasserelleCore
import Testing
@Test func placeholder() { #expect(Language.default == .frCA) }
