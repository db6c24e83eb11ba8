import PasserelleServer
import Vapor

@main
enum Entrypoint {
    static func main() async throws {
        let environment = try Environment.detect()
        let settings: Settings
        do {
            settings = try Settings.fromEnvironment(environment)
        } catch {
            FileHandle.standardError.write(Data("passerelle: \(error)\n".utf8))
            exit(2)
        }
        bootstrapLogging(settings)
        let app = try await Application.make(environment)
        do {
            try await configure(app, settings: settings)
            try await app.execute()
        } catch {
            // Vapor has logged the error; a failed command exits non-zero without a crash report.
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
