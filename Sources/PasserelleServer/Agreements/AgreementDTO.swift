import Fluent
import Foundation
import PasserelleCore
import Vapor

/// What `AgreementAPI` sends and receives: its JSON shapes, one naming convention (French, snake_case), dates RFC 3339.
extension AgreementAPI {
    struct PaymentDTO: Content {
        let sequence: Int
        let genre: String
        let echeance: String
        let prevu_le: String
        let montant_cents: Int64
        let exercice_gouvernemental: String
        let exercice_municipal: Int
        let liberation: String
        let etat: String
        let paye_le: String?

        init(_ p: AgreementPaymentModel) {
            (sequence, genre, echeance, prevu_le, montant_cents) = (p.sequence, p.kind, p.dueOn, p.plannedOn, p.cents)
            (exercice_gouvernemental, exercice_municipal, liberation, etat, paye_le) = (p.governmentYear, p.municipalYear, p.release, p.state, p.paidOn)
        }
    }

    struct ReportDTO: Content {
        let sequence: Int
        let final: Bool
        let echeance: String
        let etat: String
        let transmis_le: Date?

        init(_ r: AgreementReportModel) {
            (sequence, final, echeance, etat, transmis_le) = (r.sequence, r.isFinal, r.dueOn, r.state, r.submittedAt)
        }
    }

    struct AgreementDTO: Content {
        let numero: String
        let genre: String
        let organisation: String
        let programme: String?
        let demande: String?
        let titre: String
        let conditions: String
        let montant_cents: Int64
        let paye_cents: Int64
        let etat: String
        let revision: Int
        let signee_ministere_par: String?
        let signee_ministere_le: Date?
        let signee_organisme_par: String?
        let signee_organisme_le: Date?
        let versements: [PaymentDTO]?
        let rapports: [ReportDTO]?

        init(_ a: AgreementModel, organisation: String, payments: [AgreementPaymentModel]? = nil, reports: [AgreementReportModel]? = nil) {
            numero = a.number
            genre = a.kind
            self.organisation = organisation
            programme = a.$program.value??.code
            demande = a.$application.value??.number
            titre = a.title
            conditions = a.conditions
            montant_cents = a.amountCents
            paye_cents = a.paidCents
            etat = a.state
            revision = a.revision
            (signee_ministere_par, signee_ministere_le) = (a.ministrySignedBy, a.ministrySignedAt)
            (signee_organisme_par, signee_organisme_le) = (a.municipalitySignedBy, a.municipalitySignedAt)
            versements = payments.map { $0.map(PaymentDTO.init) }
            rapports = reports.map { $0.map(ReportDTO.init) }
        }
    }
}
