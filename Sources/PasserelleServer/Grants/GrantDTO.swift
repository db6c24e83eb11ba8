import Fluent
import Foundation
import PasserelleCore
import Vapor

/// What `GrantAPI` sends and receives: its JSON shapes, one naming convention (French, snake_case), dates RFC 3339.
extension GrantAPI {
    struct ProgramDTO: Content {
        let code: String
        let nom: String
        let objectifs: String
        let regles: String
        let mesure: String?
        let attribution: String
        let taux_points_base: Int
        let plafond_cents: Int64
        let cumul_points_base: Int?
        let admissibles: [String]
        let regions: [String]
        let depenses_minimales_cents: Int64
        let documents: [DocumentDTO]
        let grille: [CriterionDTO]
        let champs: [QuestionDTO]
        let processus: WorkflowDTO

        struct DocumentDTO: Content { let code: String; let nom: String }
        struct CriterionDTO: Content { let code: String; let nom: String; let poids: Int; let note_max: Int }

        init(_ p: GrantProgramModel, _ language: Language) {
            code = p.code
            nom = p.name(language)
            objectifs = p.objectives(language)
            regles = p.rules(language)
            mesure = p.measure
            attribution = p.allocation.rawValue
            taux_points_base = p.terms.rateBasisPoints
            plafond_cents = p.terms.ceilingCents
            cumul_points_base = p.terms.stackingLimitBasisPoints
            admissibles = p.eligibility.kinds.map(\.rawValue)
            regions = p.eligibility.regions
            depenses_minimales_cents = p.eligibility.minimumCostsCents
            documents = p.eligibility.documents.map { DocumentDTO(code: $0.code, nom: $0.name(language)) }
            grille = p.grid.criteria.map { CriterionDTO(code: $0.code, nom: $0.name(language), poids: $0.weight, note_max: $0.maxScore) }
            champs = p.fields.map { QuestionDTO($0, language) }
            processus = WorkflowDTO(p.workflow, language)
        }
    }

    struct CallDTO: Content {
        let code: String
        let programme: String
        let titre: String
        let ouverture: Date
        let fermeture: Date
        let ouvert: Bool
        let exercice: String
    }

    struct ApplicationDTO: Content {
        struct Failure: Content { let regle: String; let motif: String }
        let numero: String
        let programme: String
        let appel: String?
        let organisation: String
        let titre: String
        let resume: String
        let phase: String
        let phase_nom: String
        let reponses: [String: [String]]
        let depenses_admissibles_cents: Int64
        let montant_demande_cents: Int64
        let budget: BudgetDTO
        let admissibilite: [Failure]
        let note: String?
        let deposee_le: Date?
        let par_mandataire: Bool
        let langue: String
        let version: Int

        init(_ a: GrantApplicationModel, callCode: String?, l: Localizer) {
            numero = a.number
            programme = a.program.code
            appel = callCode
            organisation = a.organisation.code
            titre = a.title
            resume = a.summary
            phase = a.phase
            phase_nom = a.program.workflow.phase(a.phase)?.name(l.language) ?? a.phase
            reponses = a.answers
            depenses_admissibles_cents = a.eligibleCents
            montant_demande_cents = a.requestedCents
            budget = BudgetDTO(a.budget)
            admissibilite = a.screening.map { Failure(regle: $0.rule, motif: l($0.key, GrantViews.localized(l, $0.arguments))) }
            note = a.score.map(Grants.formatScore)
            deposee_le = a.submittedAt
            par_mandataire = a.viaMandate
            langue = a.language
            version = a.version
        }
    }

    struct RankedDTO: Content {
        let rang: Int
        let numero: String
        let organisation: String
        let titre: String
        let note: String
        let montant_cents: Int64
        let cumul_cents: Int64
        let finance: Bool
        let departage: Int?
        let phase: String
    }

    struct RankingDTO: Content {
        let appel: String
        let exercice: String
        let disponible_cents: Int64
        let classement: [RankedDTO]
    }

    /// A question of a program's form, in the caller's language; `genre` is text, number, date,
    /// choice, multiple, location or file; a choice's `options` give the codes to answer with.
    struct QuestionDTO: Content, Equatable {
        struct Option: Content, Equatable { let code: String; let libelle: String }
        let code: String
        let genre: String
        let libelle: String
        let aide: String
        let obligatoire: Bool
        let options: [Option]

        init(_ f: RequestField, _ language: Language) {
            (code, genre, libelle, aide, obligatoire) = (f.code, f.kind.rawValue, f.label(language), f.help(language), f.required)
            options = f.options.map { Option(code: $0.code, libelle: $0.label(language)) }
        }
    }

    /// A program's workflow: its phases (named in the caller's language) and who moves a file between them.
    struct WorkflowDTO: Content, Equatable {
        struct Phase: Content, Equatable {
            let code: String
            let nom: String
            let finale: Bool
            let modifiable_par_le_demandeur: Bool
        }
        struct Transition: Content, Equatable {
            let evenement: String
            let de: [String]
            let vers: String
            let par: [String]
        }
        let code: String
        let version: Int
        let initiale: String
        let phases: [Phase]
        let transitions: [Transition]

        init(_ w: GrantWorkflow, _ language: Language) {
            (code, version, initiale) = (w.code, w.version, w.initial)
            phases = w.phases.map { Phase(code: $0.id, nom: $0.name(language), finale: $0.isFinal, modifiable_par_le_demandeur: $0.applicantEdits) }
            transitions = w.transitions.map { Transition(evenement: $0.event, de: $0.from, vers: $0.to, par: $0.by.map(\.rawValue)) }
        }
    }

    /// An application's budget, with the names its filing takes (`couts`, `financements`).
    struct BudgetDTO: Content, Equatable {
        struct Line: Content, Equatable {
            let libelle: String
            let montant_cents: Int64
            let `public`: Bool
        }
        let couts: [Line]
        let financements: [Line]
        let montant_demande_cents: Int64

        init(_ b: GrantBudget) {
            couts = b.costs.map { Line(libelle: $0.label, montant_cents: $0.cents, public: $0.isPublic) }
            financements = b.funding.map { Line(libelle: $0.label, montant_cents: $0.cents, public: $0.isPublic) }
            montant_demande_cents = b.requestedCents
        }
    }
}
