import Fluent
import Foundation
import PasserelleCore
import Vapor

/// The guichet under `/api/v1`: a municipality's requests (or the ministry's queues) as JSON, one
/// request, and filing one (JSON or a form).
struct RequestAPI: Sendable {

    @Sendable func list(_ req: Request) async throws -> Response {
        var filter = try RequestPages.filter(req)
        filter.perPage = try Pagination.perPage(req, default: RequestPages.pageSize)
        let types = try await req.application.requestTypes.all(on: req.db)
        guard let found = try await RequestQueries.list(filter, types: types, actor: req.accessActor,
                                                       workingDays: req.application.workingDays, on: req.db) else { return try JSONResponse.json([RequestDTO]()) }
        let response = try JSONResponse.json(found.rows.map { RequestDTO($0) })
        // Exact up to the cap; past it, only that there are more.
        if found.total > RequestQueues.countCap {
            response.headers.replaceOrAdd(name: "X-Total-Count-At-Least", value: String(found.total))
        } else {
            Pagination.decorate(response, req, page: filter.page, perPage: filter.perPage, total: found.total)
        }
        return response
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        let (model, _, _) = try await RequestPages.loaded(req)
        return try JSONResponse.json(RequestDTO(model))
    }

    @Sendable func file(_ req: Request) async throws -> Response {
        let organisation = try req.requireOrganisation()
        // One database handle for the whole filing: `req.db` makes a new one at each use.
        let db = req.db
        let form: RequestQueries.FilingForm
        do {
            // JSON, the API's own type, read straight from the body (Vapor's content negotiation
            // looks its decoder up for each request, and parses the media type).
            guard JSONResponse.isJSON(req.headers), let body = req.body.data else {
                throw Problem(.unsupportedMediaType, code: "unsupported_media_type", key: "problem.unsupported_media_type")
            }
            form = try JSONDecoder().decode(RequestFilingDTO.self, from: body).form
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(.badRequest, code: "bad_request", key: "problem.bad_request")
        }
        let types = try await req.application.requestTypes.all(on: db).filter(\.active)
        let (filing, errors) = RequestQueries.validate(form, types: types, filer: organisation.kind)
        guard let filing else {
            throw Problem(.unprocessableEntity, code: "invalid_request", key: "request.error.summary",
                          fields: errors.map { Problem.Field(name: RequestFilingDTO.name(of: $0.field), key: $0.message, arguments: [:]) })
        }
        let unit = try await Requests.unit(for: filing.type, organisation: organisation, territory: req.application.territory.current,
                                           organisations: req.application.organisationCache, on: db)
        let model = try await req.write { db in
            try await Requests.file(filing, for: organisation, as: req.caller, on: db, unit: unit)
        }
        model.$type.value = filing.type
        model.$organisation.value = organisation
        let response = try JSONResponse.json(RequestDTO(model))
        response.status = .created
        response.headers.replaceOrAdd(name: .location, value: "/api/v1/demandes/\(model.number)")
        return response
    }
}
