import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import TrisamContracts
import TrisamCoordinator
import TrisamCoordinatorCore
import TrisamHTTP

/// The dashboard's person search (`/sok`), the queue's CSV export (`/ko.csv`) and the person
/// page's print view (`/personer/{clientRef}?utskrift=1`), issue 21.
extension Dashboard {
    /// Adds `/sok` (GET: the forms; POST: a search) and `/ko.csv` to the session-protected pages.
    func mountSearchAndExport(on pages: RouterGroup<CoordinatorRequestContext>) {
        let dashboard = self
        pages.get("/sok") { _, context in
            dashboard.searchPage(
                SearchPageContext(
                    dashboard.frame(context, title: Swedish.searchTitle, active: "search"),
                    numberAvailable: dashboard.parts.pseudonymizer != nil))
        }
        pages.post("/sok") { request, context in try await dashboard.search(request, context) }
        pages.get("/ko.csv") { request, context in try dashboard.exportQueue(request, context) }
    }

    // MARK: search

    func searchPage(_ model: SearchPageContext, status: HTTPResponse.Status = .ok) -> Response {
        page("search", model, status: status)
    }

    /// A search from one of the two forms: one match leads to the person's page (303), several
    /// are listed, none or a wrong entry is said beside the field. The number is never put in a
    /// URL or a log line; the audit entry records who searched and how many matched.
    func search(_ request: Request, _ context: CoordinatorRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let form = (try? URLEncodedFormDecoder().decode(SearchForm.self, from: String(buffer: body))) ?? SearchForm()
        let number = form.nummer?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let reference = form.referens?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        var model = SearchPageContext(
            frame(context, title: Swedish.searchTitle, active: "search"), numberAvailable: parts.pseudonymizer != nil)
        model.number = number
        model.reference = reference
        let prefix: String
        switch (number.isEmpty, reference.isEmpty) {
        case (true, true):
            model.setNumberMessage(Swedish.searchEmpty, error: true)
            return searchPage(model, status: .badRequest)
        case (false, false):
            model.setReferenceMessage(Swedish.searchBoth, error: true)
            return searchPage(model, status: .badRequest)
        case (false, true):
            guard let pseudonymizer = parts.pseudonymizer else {
                model.setNumberMessage(Swedish.searchNoSecret, error: true)
                return searchPage(model, status: .serviceUnavailable)
            }
            switch Self.identity(typed: number, now: Date()) {
            case .success(let identity): prefix = identity.clientRef(pseudonymizer).rawValue
            case .failure(let refusal):
                model.setNumberMessage(refusal.message, error: true)
                return searchPage(model, status: .badRequest)
            }
        case (true, false):
            guard let parsed = PersonSearch.reference(reference) else {
                model.setReferenceMessage(Swedish.badReference, error: true)
                return searchPage(model, status: .badRequest)
            }
            prefix = parsed
        }
        let found = try parts.store.searchPersons(prefix: prefix, reader: context.principal?.name ?? "?", path: "POST /sok", at: Date())
        if found.matches.count == 1, !found.truncated {
            return Self.redirect(to: "/personer/\(found.matches[0].clientRef)")
        }
        if found.matches.isEmpty {
            if number.isEmpty {
                model.setReferenceMessage(Swedish.noPersonWithReference(prefix), error: false)
            } else {
                model.setNumberMessage(Swedish.noPersonWithNumber, error: false)
            }
            return searchPage(model)
        }
        model.results = found.matches.map { match in
            SearchRow(
                path: "/personer/\(match.clientRef)", reference: match.reference, openFlags: String(match.openFlags),
                lastEvent: match.lastEventTime.map(Swedish.dateTime) ?? "–")
        }
        model.hasResults = true
        model.resultsHeading = Swedish.searchMatches(found.matches.count, truncated: found.truncated)
        model.truncatedText = found.truncated ? Swedish.searchTruncated(PersonSearch.maxMatches) : nil
        return searchPage(model)
    }

    /// The number typed into the form: letters make it a reservnummer (in capitals), otherwise a
    /// personnummer or samordningsnummer. A failure is the Swedish message naming the field.
    static func identity(typed text: String, now: Date) -> Result<PersonIdentity, SearchRefusal> {
        if text.contains(where: \.isLetter) {
            guard let number = Reservnummer(text.uppercased()) else { return .failure(SearchRefusal(Swedish.badReservnummer)) }
            return .success(PersonIdentity(number, name: nil))
        }
        do {
            return .success(PersonIdentity(try PersonalIdentityNumber(text, referenceDate: now), name: nil))
        } catch {
            return .failure(SearchRefusal(Swedish.badPersonnummer(error)))
        }
    }

    // MARK: export

    /// The queue under the filters of the query (the queue's own parameters) as CSV for Excel;
    /// each person in it is written to the audit log as exported.
    func exportQueue(_ request: Request, _ context: CoordinatorRequestContext) throws -> Response {
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        let filter: QueueFilter
        switch QueueFilter.parse(query, ruleIds: parts.rules.descriptions.map(\.id)) {
        case .success(let parsed): filter = parsed
        case .failure(let failure):
            return message(context, title: Swedish.exportRefusedTitle, text: failure.message, status: .badRequest)
        }
        let now = parts.clock.now()
        var storeQuery = filter.flagQuery(now: now, limit: 1000)
        var flags: [FlagRow] = []
        while flags.count < QueueExport.maxRows {
            let page = try parts.store.openFlags(storeQuery)
            flags += page
            guard page.count == storeQuery.limit, let last = page.last else { break }
            storeQuery.cursor = last.seq
        }
        let export = QueueExport(flags: Array(flags.prefix(QueueExport.maxRows)), today: StockholmTime.date(of: now))
        var path = request.uri.path
        if let query = request.uri.query, !query.isEmpty { path += "?" + APIError.redacted(query) }
        try parts.store.recordExport(
            of: Array(Set(export.rows.map(\.clientRef))).sorted(), reader: context.principal?.name ?? "?", path: path, at: Date())
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: "attachment; filename=\"\(QueueExport.fileName(today: StockholmTime.date(of: now)))\"",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: export.csv())))
    }
}

/// A Swedish refusal of what was typed, naming the field.
struct SearchRefusal: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// The form of `/sok`: one of the two fields filled in.
struct SearchForm: Decodable {
    var nummer: String?
    var referens: String?
}

struct SearchRow {
    var path: String
    var reference: String
    var openFlags: String
    var lastEvent: String
}

/// The search page: each form's message beside its field, and the matches when several.
struct SearchPageContext {
    var frame: Frame
    var numberAvailable: Bool
    var number = ""
    var numberMessage: String?
    var numberMessageClass = "notice"
    var reference = ""
    var referenceMessage: String?
    var referenceMessageClass = "notice"
    var hasResults = false
    var results: [SearchRow] = []
    var resultsHeading: String?
    var truncatedText: String?

    init(_ frame: Frame, numberAvailable: Bool) {
        self.frame = frame
        self.numberAvailable = numberAvailable
        if !numberAvailable { numberMessage = Swedish.searchNoSecret }
    }

    mutating func setNumberMessage(_ text: String, error: Bool) {
        numberMessage = text
        numberMessageClass = error ? "error" : "notice"
    }

    mutating func setReferenceMessage(_ text: String, error: Bool) {
        referenceMessage = text
        referenceMessageClass = error ? "error" : "notice"
    }
}
