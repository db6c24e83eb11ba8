import Fluent
import Vapor

/// Every route of Passerelle, one line each with its access policy: the table of contents of the
/// HTTP surface. HTML pages and `/api/v1` operations sit in separate blocks; each line points at a
/// module's handler. A route without a policy answers 403 (`RoutePolicy`), and the policy matrix
/// test walks this table.
func routes(_ app: Application) throws {
    let api = app.grouped("api", "v1")
    let upload = { (files: Int) in
        HTTPBodyStreamStrategy.collect(maxSize: ByteCount(value: (app.settings.attachmentMaxMB * files + 1) * 1_048_576))
    }

    // operations
    do {
        app.get("healthz", use: Operations.health).policy(.open)
        app.get("readyz", use: Operations.ready).policy(.open)
        app.get("metrics", use: Operations.metrics).policy(.open)
        app.get("assets", ":file", use: Operations.stylesheet).policy(.open)
        app.get("api", use: Operations.apiGuide).policy(.open)
        app.get("sources", use: Operations.sources).policy(.open)
        api.get("openapi.json", use: OpenAPIDocument.serve).policy(.open)
    }

    // territory
    do {
        let pages = TerritoryPages(territory: app.territory, cache: app.responseCache)
        app.get(use: pages.home).policy(.open)
        app.get("regions", use: pages.regions).policy(.open)
        app.get("regions", ":code", use: pages.region).policy(.open)
        app.get("mrc", ":code", use: pages.unit).policy(.open)
        app.get("municipalites", use: pages.municipalities).policy(.open)
        app.get("municipalites", ":code", use: pages.municipality).policy(.open)
        app.get("recherche", use: pages.search).policy(.open)
    }

    // territory: API
    do {
        let territory = TerritoryAPI(territory: app.territory, cache: app.responseCache)
        api.get("regions", use: territory.regions).policy(.open)
        api.get("regions", ":code", use: territory.region).policy(.open)
        api.get("mrc", use: territory.units).policy(.open)
        api.get("mrc", ":code", use: territory.unit).policy(.open)
        api.get("municipalites", use: territory.municipalities).policy(.open)
        api.get("municipalites", ":code", use: territory.municipality).policy(.open)
    }

    // identity: sign-in, accounts, organisations' access, administration
    do {
        let identity = IdentityPages()
        app.get("connexion", use: identity.signInForm).policy(.open)
        app.post("connexion", use: identity.signIn).policy(.open)
        app.post("deconnexion", use: identity.signOut).policy(.signedIn)
        app.get("mon-compte", use: identity.account).policy(.signedIn)
        app.post("mon-compte", "deconnexion-partout", use: identity.signOutEverywhere).policy(.signedIn)

        let oidc = OIDCPages()
        app.get("connexion", "oidc", use: oidc.start).policy(.open)
        app.get("connexion", "oidc", "retour", use: oidc.callback).policy(.open)

        let account = AccountPages()
        app.get("mot-de-passe-oublie", use: account.forgotForm).policy(.open)
        app.post("mot-de-passe-oublie", use: account.forgot).policy(.open)
        app.get("lien", ":token", use: account.linkForm).policy(.open)
        app.post("lien", ":token", use: account.useLink).policy(.open)
        app.get("mon-compte", "jetons", use: account.tokens).policy(.signedIn)
        app.post("mon-compte", "jetons", use: account.createToken).policy(.signedIn)
        app.post("mon-compte", "jetons", ":id", "revoquer", use: account.revokeToken).policy(.signedIn)

        let organisations = OrganisationPages()
        let manage = RoutePolicy.organisation(.manageAccess, nil)
        app.get("mon-organisation", use: organisations.mine).policy(.signedIn)
        app.get("organisations", ":code", "acces", use: organisations.access).policy(manage)
        app.post("organisations", ":code", "invitations", use: organisations.invite).policy(manage)
        app.post("organisations", ":code", "roles", ":id", "retirer", use: organisations.removeRole).policy(manage)
        app.post("organisations", ":code", "mandats", use: organisations.grantMandate).policy(manage)
        app.post("organisations", ":code", "mandats", ":id", "revoquer", use: organisations.revokeMandate).policy(manage)
        app.get("organisations", ":code", "personnes", ":id", use: organisations.person).policy(manage)

        let admin = AdminPages()
        app.get("administration", use: admin.index).policy(.ministry(.administer))
        app.get("administration", "organisations", use: admin.organisations).policy(.ministry(.administer))
        app.post("administration", "organisations", ":code", "statut-bilingue", use: admin.setBilingualStatus).policy(.ministry(.administer))
        app.get("administration", "personnes", use: admin.people).policy(.ministry(.administer))
        app.get("administration", "personnes", ":id", use: admin.person).policy(.ministry(.administer))
        app.post("administration", "personnes", ":id", "activer", use: admin.activate).policy(.ministry(.administer))
        app.post("administration", "personnes", ":id", "desactiver", use: admin.deactivate).policy(.ministry(.administer))
        app.get("administration", "jetons", use: admin.tokens).policy(.ministry(.administer))
        app.post("administration", "jetons", ":id", "revoquer", use: admin.revokeToken).policy(.ministry(.administer))
        app.get("administration", "courriels", use: admin.outbox).policy(.ministry(.administer))
        app.post("administration", "courriels", ":id", "renvoyer", use: admin.resend).policy(.ministry(.administer))
        app.get("administration", "journal", use: admin.journal).policy(.ministry(.readJournal))
    }

    // identity: API
    do {
        let identity = IdentityAPI()
        api.get("moi", use: identity.me).policy(.signedIn)
        api.get("organisations", ":code", "personnes", use: identity.people).policy(.organisation(.manageAccess, nil))
        api.get("journal", use: identity.journal).policy(.ministry(.readJournal))
    }

    // requests: the guichet, its drafts, types and standard answers
    do {
        let requests = RequestPages()
        let read = RoutePolicy.record(.read, .requests, owner: RequestPages.owner)
        let update = RoutePolicy.record(.update, .requests, owner: RequestPages.owner)
        let create = RoutePolicy.organisation(.create, .requests)
        app.get("accueil", use: PortalHome().home).policy(.signedIn)
        app.get("demandes", use: requests.list).policy(.signedIn)
        app.get("demandes", "nouvelle", use: requests.choose).policy(.signedIn)
        app.post("demandes", "attribution", use: requests.bulkAssign).policy(.ministry(.update, .requests))
        app.get("organisations", ":code", "demandes", "nouvelle", use: requests.form).policy(create)
        app.on(.POST, "organisations", ":code", "demandes", body: upload(5), use: requests.file).policy(create)
        app.get("demandes", "brouillons", ":brouillon", use: requests.draft).policy(.signedIn)
        app.get("demandes", "brouillons", ":brouillon", "modifier", use: requests.editDraft).policy(.signedIn)
        app.on(.POST, "demandes", "brouillons", ":brouillon", body: upload(5), use: requests.updateDraft).policy(.signedIn)
        app.post("demandes", "brouillons", ":brouillon", "depot", use: requests.submitDraft).policy(.signedIn)
        app.post("demandes", "brouillons", ":brouillon", "supprimer", use: requests.deleteDraft).policy(.signedIn)
        app.get("demandes", ":numero", use: requests.show).policy(read)
        app.post("demandes", ":numero", "evenements", use: requests.move).policy(update)
        app.on(.POST, "demandes", ":numero", "messages", body: upload(5), use: requests.message).policy(update)
        app.get("demandes", ":numero", "pieces", ":id", use: requests.download).policy(read)
        app.post("demandes", ":numero", "evaluation", use: requests.rate).policy(update)
        app.post("demandes", ":numero", "suivi", use: requests.follow).policy(read)

        let types = RequestTypePages()
        app.get("administration", "types-demandes", use: types.list).policy(.ministry(.administer))
        app.get("administration", "types-demandes", ":code", use: types.edit).policy(.ministry(.administer))
        app.post("administration", "types-demandes", ":code", use: types.save).policy(.ministry(.administer))

        let answers = StandardAnswerPages()
        app.get("administration", "reponses-types", use: answers.list).policy(.ministry(.administer))
        app.post("administration", "reponses-types", use: answers.save).policy(.ministry(.administer))
        app.get("administration", "reponses-types", ":code", use: answers.edit).policy(.ministry(.administer))
        app.post("administration", "reponses-types", ":code", use: answers.save).policy(.ministry(.administer))
    }

    // requests: API
    do {
        let requests = RequestAPI()
        api.get("demandes", use: requests.list).policy(.signedIn)
        api.get("demandes", ":numero", use: requests.show).policy(.record(.read, .requests, owner: RequestPages.owner))
        api.post("organisations", ":code", "demandes", use: requests.file).policy(.organisation(.create, .requests))
    }

    // requests: Open311 GeoReport v2 (its own API, keyed by `api_key`)
    do {
        let open311 = Open311()
        // `discovery.json`, `services.xml`, `requests.json`, `servicerequestupdates.json`: one route, by name.
        app.get("open311", "v2", ":document", use: open311.document).policy(.open)
        app.get("open311", "v2", "services", ":service", use: open311.definition).policy(.open)
        app.post("open311", "v2", ":document", use: open311.file).policy(.apiKey(.create, .requests))
        app.get("open311", "v2", "requests", ":request", use: open311.one).policy(.apiKey(.read, .requests))
        app.get("open311", "v2", "tokens", ":token", use: open311.token).policy(.apiKey(.read, .requests))
    }

    // liaison network: coverage, agents, cards, meetings, partners
    do {
        let liaison = LiaisonPages()
        app.get("reseau-liaison", use: liaison.overview).policy(.ministry(.read))
        app.post("reseau-liaison", "couverture", use: liaison.setLine).policy(.ministry(.administer))
        app.post("reseau-liaison", "couverture", ":id", "retirer", use: liaison.removeLine).policy(.ministry(.administer))
        app.get("reseau-liaison", "agents", ":id", use: liaison.agent).policy(.ministry(.read))
        app.post("reseau-liaison", "agents", ":id", "coordonnees", use: liaison.saveProfile).policy(.ministry(.administer))
        app.get("reseau-liaison", "cartes", use: liaison.regionCards).policy(.ministry(.read))
        app.get("organisations", ":code", "carte", use: liaison.card).policy(.organisation(.read, nil))
        app.get("organisations", ":code", "carte.vcf", use: liaison.vcard).policy(.organisation(.read, nil))

        let meetings = MeetingPages()
        app.get("reseau-liaison", "rencontres", use: meetings.calendar).policy(.ministry(.read))
        app.post("reseau-liaison", "rencontres", use: meetings.create).policy(.ministry(.create, .requests))
        app.get("reseau-liaison", "rencontres", ":id", use: meetings.show).policy(.ministry(.read))
        app.post("reseau-liaison", "rencontres", ":id", "suivis", use: meetings.addFollowUp).policy(.ministry(.update, .requests))
        app.post("reseau-liaison", "rencontres", ":id", "suivis", ":suivi", "fait", use: meetings.completeFollowUp)
            .policy(.ministry(.update, .requests))
        app.post("reseau-liaison", "rencontres", ":id", "suivis", ":suivi", "demande", use: meetings.fileFollowUp)
            .policy(.ministry(.update, .requests))
        app.post("reseau-liaison", "abonnements", use: meetings.subscribe).policy(.ministry(.read))
        app.get("calendriers", ":jeton", use: meetings.feed).policy(.open)

        let partners = PartnerPages()
        app.get("reseau-liaison", "partenaires", use: partners.list).policy(.ministry(.read))
        app.post("reseau-liaison", "partenaires", use: partners.add).policy(.ministry(.administer))
        app.post("reseau-liaison", "partenaires", ":id", "retirer", use: partners.remove).policy(.ministry(.administer))
    }

    // liaison network: the API
    do {
        let liaison = LiaisonAPI()
        api.get("organisations", ":code", "portes-entree", use: liaison.entryPoints).policy(.organisation(.read, nil))
        api.get("reseau-liaison", use: liaison.network).policy(.ministry(.read))
    }

    // capacity
    do {
        let capacity = CapacityPages()
        app.get("capacite", use: capacity.dashboard).policy(.ministry(.read))
        app.get("capacite.csv", use: capacity.csv).policy(.ministry(.read))
        app.get("capacite", "bilan", use: capacity.report).policy(.ministry(.read))
    }

    // capacity: the API
    do {
        let capacity = CapacityAPI()
        api.get("capacite", use: capacity.figures).policy(.ministry(.read))
        api.get("capacite", "bilan", use: capacity.report).policy(.ministry(.read))
    }

    // works: the shared map of planned interventions, its pairs, the owners' forms
    do {
        let works = WorksPages()
        let change = RoutePolicy.record(.update, .works, owner: WorksPages.recordOwner)
        app.get("interventions", use: works.map).policy(.open)
        app.get("interventions.geojson", use: works.geojson).policy(.open)
        app.get("interventions.csv", use: works.csv).policy(.open)
        app.get("interventions", "carte.js", use: LeafletFiles.script).policy(.open)
        app.get("vendor", "leaflet", "**", use: LeafletFiles.serve).policy(.open)
        app.get("interventions", "paires", use: works.pairs).policy(.signedIn)
        app.get("interventions", "paires", ":id", use: works.pair).policy(.signedIn)
        app.post("interventions", "paires", ":id", "statut", use: works.setPairStatus).policy(.signedIn)
        app.post("interventions", "paires", ":id", "commentaires", use: works.comment).policy(.signedIn)
        app.get("interventions", ":numero", use: works.show).policy(.open)
        app.get("interventions", ":numero", "modifier", use: works.editForm).policy(change)
        app.post("interventions", ":numero", use: works.update).policy(change)
        app.get("organisations", ":code", "interventions", "nouvelle", use: works.newForm).policy(.organisation(.create, .works))
        app.post("organisations", ":code", "interventions", use: works.create).policy(.organisation(.create, .works))
    }

    // works: the open feeds (public works only)
    do {
        let feeds = WorksFeeds()
        app.get("open511", use: feeds.discovery).policy(.open)
        app.get("open511", "jurisdiction", use: feeds.jurisdiction).policy(.open)
        app.get("open511", "jurisdiction", "geography", use: feeds.geography).policy(.open)
        app.get("open511", "events", use: feeds.eventsFeed).policy(.open)
        app.get("open511", "events", ":jurisdiction", ":numero", use: feeds.event).policy(.open)
        app.get("wzdx", "v4.2", "feed.geojson", use: feeds.wzdx).policy(.open)
    }

    // works: the API
    do {
        let works = WorksAPI()
        api.get("interventions", use: works.list).policy(.open)
        api.get("interventions", "genres", use: works.kinds).policy(.open)
        api.get("interventions", "paires", use: works.pairs).policy(.signedIn)
        api.post("interventions", "paires", ":id", "statut", use: works.setPairStatus).policy(.signedIn)
        api.post("interventions", "paires", ":id", "commentaires", use: works.comment).policy(.signedIn)
        api.get("interventions", ":numero", use: works.show).policy(.open)
        api.put("interventions", ":numero", use: works.update).policy(.record(.update, .works, owner: WorksPages.recordOwner))
        api.post("organisations", ":code", "interventions", use: works.create).policy(.organisation(.create, .works))
    }

    // grants: programs, calls, applications, evaluation and decisions
    do {
        let grants = GrantPages(maxUploadMB: app.settings.attachmentMaxMB)
        let read = RoutePolicy.record(.read, .grants, owner: GrantPages.owner)
        let update = RoutePolicy.record(.update, .grants, owner: GrantPages.owner)
        app.get("programmes", use: grants.programs).policy(.open)
        app.get("programmes", ":programme", use: grants.program).policy(.open)
        app.post("programmes", ":programme", "enveloppes", use: grants.createEnvelope).policy(.ministry(.create, .grants))
        app.post("programmes", ":programme", "appels", use: grants.createCall).policy(.ministry(.create, .grants))
        app.get("programmes", ":programme", "tableau", use: grants.dashboard).policy(.ministry(.read))
        app.get("programmes", ":programme", "tableau.csv", use: grants.dashboardCSV).policy(.ministry(.read))
        app.get("programmes", ":programme", "repartition", use: grants.formula).policy(.ministry(.read))
        app.get("programmes", ":programme", "repartition.csv", use: grants.formulaCSV).policy(.ministry(.read))
        app.get("appels", ":appel", use: grants.call).policy(.open)
        app.get("appels", ":appel", "classement", use: grants.ranking).policy(.ministry(.read))
        app.get("appels", ":appel", "classement.csv", use: grants.rankingCSV).policy(.ministry(.read))
        app.get("aide", use: grants.list).policy(.signedIn)
        app.get("aide", "nouvelle", use: grants.start).policy(.signedIn)
        app.post("aide", "conflits", use: grants.declareConflict).policy(.ministry(.read))
        app.get("organisations", ":code", "aide", "nouvelle", use: grants.form).policy(.organisation(.create, .grants))
        app.on(.POST, "organisations", ":code", "aide", body: upload(6), use: grants.create).policy(.organisation(.create, .grants))
        app.get("aide", ":numero", use: grants.show).policy(read)
        app.get("aide", ":numero", "modifier", use: grants.edit).policy(update)
        app.on(.POST, "aide", ":numero", body: upload(6), use: grants.save).policy(update)
        app.post("aide", ":numero", "depot", use: grants.submit).policy(update)
        app.post("aide", ":numero", "evenements", use: grants.move).policy(read)
        app.get("aide", ":numero", "documents", ":id", use: grants.download).policy(read)
        app.get("aide", ":numero", "lettre", use: grants.letter).policy(read)
        app.post("aide", ":numero", "evaluateurs", use: grants.assign).policy(.ministry(.update, .grants))
        app.post("aide", ":numero", "evaluation", use: grants.score).policy(.ministry(.update, .grants))
        app.post("aide", ":numero", "decision", use: grants.decide).policy(.ministry(.update, .grants))
        app.post("aide", ":numero", "approbation", use: grants.approve).policy(.ministry(.update, .grants))

        let editor = GrantProgramEditor()
        app.get("programmes", ":programme", "modifier", use: editor.edit).policy(.ministry(.administer))
        app.post("programmes", ":programme", "modifier", use: editor.save).policy(.ministry(.administer))
        app.get("programmes", ":programme", "versions", use: editor.versions).policy(.ministry(.read))
        app.get("programmes", ":programme", "versions", ":numero", use: editor.version).policy(.ministry(.read))

        let assignment = GrantAssignmentPages()
        app.get("appels", ":appel", "evaluateurs", use: assignment.page).policy(.ministry(.update, .grants))
        app.post("appels", ":appel", "evaluateurs", use: assignment.assign).policy(.ministry(.update, .grants))

        let overview = GrantOverviewPages()
        app.get("aide", "tableau", use: overview.page).policy(.ministry(.read))
        app.get("aide", "tableau.csv", use: overview.csv).policy(.ministry(.read))
    }

    // grants: API
    do {
        let grants = GrantAPI()
        let read = RoutePolicy.record(.read, .grants, owner: GrantPages.owner)
        let update = RoutePolicy.record(.update, .grants, owner: GrantPages.owner)
        api.get("programmes", use: grants.programs).policy(.open)
        api.get("programmes", ":programme", use: grants.program).policy(.open)
        api.get("appels", ":appel", use: grants.call).policy(.open)
        api.get("appels", ":appel", "classement", use: grants.ranking).policy(.ministry(.read))
        api.post("organisations", ":code", "demandes-aide", use: grants.create).policy(.organisation(.create, .grants))
        api.get("demandes-aide", use: grants.list).policy(.signedIn)
        api.get("demandes-aide", ":numero", use: grants.show).policy(read)
        api.post("demandes-aide", ":numero", "depot", use: grants.submit).policy(update)
        api.post("demandes-aide", ":numero", "evaluateurs", use: grants.assign).policy(.ministry(.update, .grants))
        api.post("demandes-aide", ":numero", "evaluation", use: grants.score).policy(.ministry(.update, .grants))
        api.post("demandes-aide", ":numero", "decision", use: grants.decide).policy(.ministry(.update, .grants))
        api.post("demandes-aide", ":numero", "approbation", use: grants.approve).policy(.ministry(.update, .grants))
    }

    // agreements: conventions, reports, payment runs, roll-ups and open data
    do {
        let agreements = AgreementPages()
        let read = RoutePolicy.record(.read, .grants, owner: AgreementPages.owner)
        let update = RoutePolicy.record(.update, .grants, owner: AgreementPages.owner)
        app.get("aide", ":numero", "convention", use: agreements.fromApplication).policy(.ministry(.create, .grants))
        app.post("aide", ":numero", "convention", use: agreements.createFromApplication).policy(.ministry(.create, .grants))
        app.get("conventions", use: agreements.list).policy(.signedIn)
        app.get("conventions", "nouvelle", use: agreements.newFramework).policy(.ministry(.create, .grants))
        app.post("conventions", use: agreements.createFramework).policy(.ministry(.create, .grants))
        app.get("conventions", ":numero", use: agreements.show).policy(read)
        app.post("conventions", ":numero", "signature", use: agreements.sign).policy(update)
        app.post("conventions", ":numero", "avenant", use: agreements.amend).policy(.ministry(.update, .grants))
        app.post("conventions", ":numero", "report", use: agreements.carryOver).policy(.ministry(.update, .grants))
        app.get("conventions", ":numero", "revisions", ":revision", use: agreements.revision).policy(read)
        app.post("conventions", ":numero", "rapports", ":sequence", use: agreements.submitReport).policy(update)
        app.post("conventions", ":numero", "rapports", ":sequence", "revue", use: agreements.reviewReport)
            .policy(.ministry(.update, .grants))

        let runs = PaymentRunPages()
        app.get("paiements", use: runs.list).policy(.ministry(.read))
        app.post("paiements", "lots", use: runs.prepare).policy(.ministry(.create, .grants))
        app.get("paiements", "lots", ":lot", use: runs.show).policy(.ministry(.read))
        app.post("paiements", "lots", ":lot", "approbation", use: runs.approve).policy(.ministry(.update, .grants))
        app.get("paiements", "lots", ":lot", "export.csv", use: runs.export).policy(.ministry(.read))
        app.post("paiements", "lots", ":lot", "confirmation", use: runs.confirm).policy(.ministry(.update, .grants))

        let overview = AgreementOverviewPages()
        app.get("organisations", ":code", "aide-financiere", use: overview.organisation).policy(.organisation(.read, .grants))
        app.get("aide", "vue", use: overview.rollUp).policy(.ministry(.read))

        let openData = OpenData360()
        app.get("donnees", "aide-financiere.json", use: openData.json).policy(.open)
        app.get("donnees", "aide-financiere.csv", use: openData.csv).policy(.open)
    }

    // agreements: API
    do {
        let agreements = AgreementAPI()
        api.get("conventions", use: agreements.list).policy(.signedIn)
        api.get("conventions", ":numero", use: agreements.show).policy(.record(.read, .grants, owner: AgreementPages.owner))
    }
}
