import Foundation
import PasserelleCore
import Vapor

/// What `CapacityAPI` sends: the dashboard's and the yearly report's figures, French snake_case
/// keys, days as RFC 3339 full dates.
extension CapacityAPI {
    struct RateDTO: Content, Equatable {
        let dans_les_delais: Int
        let total: Int
        /// Percent on time; nil when nothing was answered.
        let pourcentage: Double?

        init(_ r: CapacityFigures.Rate) {
            (dans_les_delais, total, pourcentage) = (r.onTime, r.total, r.percent.map { ($0 * 10).rounded() / 10 })
        }
    }

    struct NamedRateDTO: Content, Equatable {
        let nom: String
        let taux: RateDTO
    }

    struct PeriodDTO: Content, Equatable {
        /// The period's first day: a week's Monday, or a month's first day in a report.
        let debut: String
        let deposees: Int
        let fermees: Int
    }

    struct FiguresDTO: Content, Equatable {
        let du: String
        let au: String
        let unite: String?
        let par_mois: Bool
        let deposees: Int
        let fermees: Int
        let periodes: [PeriodDTO]
        let dans_les_delais: RateDTO
        let par_type: [NamedRateDTO]
        let par_unite: [NamedRateDTO]
        /// People with enough answers to be shown, alphabetically (never ranked).
        let par_personne: [NamedRateDTO]
        let personnes_sous_le_minimum: Int
        let delai_median_reponse_jours_ouvrables: Int?
        let delai_median_fermeture_jours_ouvrables: Int?
        /// Ratings 1 to 5 and how many gave each.
        let appreciations: [String: Int]
        let appreciation_moyenne: Double?
        /// Open requests not yet answered by age in calendar days: under 10, 10–29, 30–89, 90 and more. Nil for a report.
        let arrieres: [Int]?

        init(_ f: CapacityFigures, unit: String?) {
            (du, au, unite, par_mois) = (f.from.iso, f.to.iso, unit, f.byMonth)
            (deposees, fermees) = (f.filed, f.closed)
            periodes = f.weeks.map { PeriodDTO(debut: $0.week.iso, deposees: $0.filed, fermees: $0.closed) }
            dans_les_delais = RateDTO(f.onTime)
            par_type = f.byType.map { NamedRateDTO(nom: $0.name, taux: RateDTO($0.rate)) }
            par_unite = f.byUnit.map { NamedRateDTO(nom: $0.name, taux: RateDTO($0.rate)) }
            par_personne = f.byAgent.map { NamedRateDTO(nom: $0.name, taux: RateDTO($0.rate)) }
            personnes_sous_le_minimum = f.agentsBelowMinimum
            (delai_median_reponse_jours_ouvrables, delai_median_fermeture_jours_ouvrables) = (f.medianAnswerDays, f.medianCloseDays)
            appreciations = Dictionary(uniqueKeysWithValues: (1...5).map { (String($0), f.ratings[$0] ?? 0) })
            appreciation_moyenne = f.ratingAverage.map { ($0 * 100).rounded() / 100 }
            arrieres = f.backlog
        }
    }

    /// The yearly report: a period and the one of the same length just before it.
    struct ReportDTO: Content, Equatable {
        let periode: FiguresDTO
        let periode_precedente: FiguresDTO
    }
}
