import Foundation
import PasserelleCore
import Vapor

/// `passerelle admin create --email … --name …`: an administrator for a new instance (see
/// `AdminAccounts`). Prints the one-time link to choose the password, or reads the password from
/// standard input with `--password-stdin`.
struct AdminCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": AdminCreateCommand()] }
    var help: String { "Administrators of this instance." }
}

struct AdminCreateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The administrator's e-mail address")
        var email: String?
        @Option(name: "name", help: "The administrator's name, as colleagues read it")
        var name: String?
        @Option(name: "unit", help: "The ministry unit of the role (default unite-bcam)")
        var unit: String?
        @Option(name: "lang", help: "The person's language and the report's: fr-CA (default) or en-CA")
        var lang: String?
        @Flag(name: "password-stdin", help: "Read the password from standard input instead of printing a link")
        var passwordFromStandardInput: Bool
        init() {}
    }

    var help: String { "Creates an administrator: prints a one-time link to choose a password (valid a week)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let language = signature.lang.flatMap { Language(code: $0) } ?? .default
        let l = Localizer(language)
        try await prepare(app)
        let password = signature.passwordFromStandardInput ? readLine(strippingNewline: true) ?? "" : nil
        do {
            let created = try await AdminAccounts.create(email: signature.email ?? "", name: signature.name ?? "",
                                                         unit: signature.unit ?? "unite-bcam", password: password,
                                                         language: language, app: app)
            context.console.print(l("cli.admin.created", ["email": created.person.email]))
            if let link = created.link { context.console.print(l("cli.admin.link", ["link": link, "days": "7"])) }
        } catch let refusal as AdminAccounts.Refusal {
            context.console.error(refusal.message(l))
            throw refusal
        }
    }
}
