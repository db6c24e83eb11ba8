import PasserelleCore
import Vapor

/// Who acts, in which language, on which application: all a module's writes need from an HTTP
/// request, as a plain value. Pages and the API pass `req.caller`; a test, a command or a job makes
/// one itself, so that every write can be called (and tested) without a request.
struct Caller: Sendable {
    let application: Application
    let currentUser: CurrentUser?
    let auditActor: AuditActor
    let language: Language

    init(application: Application, currentUser: CurrentUser?, auditActor: AuditActor, language: Language = .frCA) {
        self.application = application
        self.currentUser = currentUser
        self.auditActor = auditActor
        self.language = language
    }

    var accessActor: AccessActor { currentUser?.accessActor ?? .anonymous }

    func allows(_ action: Action, _ resource: Resource) -> Bool {
        Policy.allows(accessActor, action, resource, on: .today)
    }
}

extension Request {
    var caller: Caller {
        Caller(application: application, currentUser: currentUser, auditActor: auditActor, language: language)
    }
}
