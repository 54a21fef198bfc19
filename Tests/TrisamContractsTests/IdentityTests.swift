import Foundation
import Testing

@testable import TrisamContracts

// Check digits below were computed independently (a small Python Luhn function), and the HMAC
// vectors with Python's hmac/hashlib:
//   python3 -c 'import hmac,hashlib; print(hmac.new(bytes(range(32)), b"191212121212", hashlib.sha256).hexdigest()[:32])'

/// The fixed "today" of these tests: 2026-06-15 12:00 UTC (14:00 in Stockholm).
private let identityToday = Date(timeIntervalSince1970: 1_781_524_800)

private func parse(_ text: String, today: Date = identityToday) throws(PersonalIdentityNumberError) -> PersonalIdentityNumber {
    try PersonalIdentityNumber(text, referenceDate: today)
}

private func birth(_ number: PersonalIdentityNumber) -> String { number.birthDate.description }

/// Identity: personal identity numbers and their pseudonyms (`--filter IdentityTests`).
@Suite("Identity")
enum IdentityTests {}

extension IdentityTests {
    @Suite("Personal identity number")
    struct PersonalIdentityNumberTests {
        @Test("the reference date of these tests is 2026-06-15")
        func referenceDate() {
            #expect(PersonalIdentityNumber.calendarDate(of: identityToday).description == "2026-06-15")
        }

        @Test(
            "every accepted form of one number gives the same value",
            arguments: [
                "811218-9876", "8112189876", "198112189876", "19811218-9876", "  811218-9876\n", "\t19811218-9876 ",
            ])
        func forms(text: String) throws {
            let number = try parse(text)
            #expect(number.normalized == "198112189876")
            #expect(number.kind == .personnummer)
            #expect(number.birthDate == PersonalIdentityNumber.BirthDate(year: 1981, month: 12, day: 18))
            #expect(number == (try parse("198112189876")))
            #expect(number.hashValue == (try parse("198112189876")).hashValue)
        }

        @Test("Skatteverket's test number 19121212-1212 in 12-digit forms")
        func testNumber() throws {
            #expect(try parse("19121212-1212").normalized == "191212121212")
            #expect(try parse("191212121212").normalized == "191212121212")
            #expect(try birth(parse("19121212-1212")) == "1912-12-12")
        }

        @Test("'-' picks the most recent century, '+' one century earlier")
        func plusSeparator() throws {
            #expect(try parse("121212-1212").normalized == "201212121212")
            #expect(try parse("1212121212").normalized == "201212121212")
            #expect(try parse("121212+1212").normalized == "191212121212")
            #expect(try parse("121212+1212") == parse("19121212-1212"))
            #expect(try birth(parse("991231-1231")) == "1999-12-31")
            #expect(try birth(parse("991231+1231")) == "1899-12-31")
        }

        @Test("century inference against the reference date")
        func centuryInference() throws {
            // Born today: this century. Born tomorrow's date: last century.
            #expect(try birth(parse("260615-1237")) == "2026-06-15")
            #expect(try birth(parse("260616-1236")) == "1926-06-16")
            #expect(try birth(parse("260616+1236")) == "1826-06-16")
            // The same number read on another day.
            let in2030 = Date(timeIntervalSince1970: 1_908_000_000) // 2030-06-18
            #expect(try birth(parse("260616-1236", today: in2030)) == "2026-06-16")
            let in1999 = Date(timeIntervalSince1970: 930_000_000) // 1999-06-21
            #expect(try birth(parse("811218-9876", today: in1999)) == "1981-12-18")
            // In 1999, "00" means 1900, which has no 29 February.
            #expect(throws: PersonalIdentityNumberError.invalidDay(day: 29, month: 2)) { try parse("000229-1235", today: in1999) }
        }

        @Test("the reference date is read as a Stockholm calendar date")
        func stockholmDate() throws {
            // 2026-06-14 22:30 UTC is already 2026-06-15 00:30 in Stockholm (CEST, UTC+2).
            let lateEvening = Date(timeIntervalSince1970: 1_781_476_200)
            #expect(try birth(parse("260615-1237", today: lateEvening)) == "2026-06-15")
            #expect(throws: Never.self) { try parse("20260615-1237", today: lateEvening) }
        }

        @Test("a 12-digit birth date after the reference date is refused")
        func future() throws {
            #expect(throws: PersonalIdentityNumberError.birthDateInFuture) { try parse("20260616-1236") }
            #expect(throws: PersonalIdentityNumberError.birthDateInFuture) { try parse("202606161236") }
            #expect(try birth(parse("20260615-1237")) == "2026-06-15")
        }

        @Test("samordningsnummer: day + 60")
        func samordningsnummer() throws {
            let number = try parse("701063-2391")
            #expect(number.kind == .samordningsnummer)
            #expect(number.normalized == "197010632391")
            #expect(birth(number) == "1970-10-03")
            #expect(try parse("19701063-2391") == number)
            #expect(try parse("7010632391") == number)
            // Day 89 = 29 February, valid in 2000.
            let leap = try parse("20000289-1232")
            #expect(leap.kind == .samordningsnummer)
            #expect(birth(leap) == "2000-02-29")
            #expect(throws: PersonalIdentityNumberError.invalidDay(day: 89, month: 2)) { try parse("20010289-1231") }
            #expect(throws: PersonalIdentityNumberError.invalidDay(day: 89, month: 2)) { try parse("010289-1231") }
        }

        @Test("29 February only in leap years")
        func leapDay() throws {
            #expect(try birth(parse("20000229-1235")) == "2000-02-29")
            #expect(try birth(parse("000229-1235")) == "2000-02-29")
            #expect(throws: PersonalIdentityNumberError.invalidDay(day: 29, month: 2)) { try parse("20010229-1234") }
            #expect(throws: PersonalIdentityNumberError.invalidDay(day: 29, month: 2)) { try parse("010229-1234") }
            // With '+' the same digits mean 1900, not a leap year.
            #expect(throws: PersonalIdentityNumberError.invalidDay(day: 29, month: 2)) { try parse("000229+1235") }
        }

        struct Refusal: Sendable, CustomTestStringConvertible {
            let input: String
            let error: PersonalIdentityNumberError
            var testDescription: String { "\(error)" }
        }

        @Test(
            "each malformed input is refused with its precise reason",
            arguments: [
                Refusal(input: "", error: .empty),
                Refusal(input: " \n\t ", error: .empty),
                Refusal(input: "19121212-121X", error: .invalidCharacters),
                Refusal(input: "1912 1212 1212", error: .invalidCharacters),
                Refusal(input: "19121212_1212", error: .invalidCharacters),
                Refusal(input: "١٩١٢١٢١٢-١٢١٢", error: .invalidCharacters),
                Refusal(input: "12345", error: .wrongLength(5)),
                Refusal(input: "-", error: .wrongLength(0)),
                Refusal(input: "121212-121", error: .wrongLength(9)),
                Refusal(input: "121212-12121", error: .wrongLength(11)),
                Refusal(input: "19121212-12120", error: .wrongLength(13)),
                Refusal(input: "191212-121212", error: .misplacedSeparator),
                Refusal(input: "19121212--1212", error: .misplacedSeparator),
                Refusal(input: "1912-12-12-1212", error: .misplacedSeparator),
                Refusal(input: "-1212121212", error: .misplacedSeparator),
                Refusal(input: "1212121212-", error: .misplacedSeparator),
                Refusal(input: "19121212+1212", error: .misplacedSeparator),
                Refusal(input: "811318-9876", error: .invalidMonth(13)),
                Refusal(input: "19810018-9876", error: .invalidMonth(0)),
                Refusal(input: "810230-1234", error: .invalidDay(day: 30, month: 2)),
                Refusal(input: "810100-1234", error: .invalidDay(day: 0, month: 1)),
                Refusal(input: "810431-1234", error: .invalidDay(day: 31, month: 4)),
                Refusal(input: "810160-1234", error: .invalidDay(day: 60, month: 1)),
                Refusal(input: "810192-1234", error: .invalidDay(day: 92, month: 1)),
                Refusal(input: "811218-9875", error: .checksumMismatch),
                Refusal(input: "19121212-1213", error: .checksumMismatch),
                Refusal(input: "701063-2392", error: .checksumMismatch),
                Refusal(input: "20991231-1231", error: .birthDateInFuture),
            ])
        func refusals(refusal: Refusal) {
            #expect(throws: refusal.error) { try parse(refusal.input) }
        }

        @Test("error descriptions name the problem in English without echoing the number")
        func errorDescriptions() {
            let inputs = ["811218-9875", "811318-9876", "810230-1234", "20991231-1231", "19121212+1212", "121212-121"]
            for input in inputs {
                do {
                    _ = try parse(input)
                    Issue.record("\(input.count) characters accepted")
                } catch {
                    #expect(!error.description.contains(input))
                    #expect(!error.description.contains(input.filter(\.isNumber)))
                    #expect(!error.description.isEmpty)
                }
            }
            #expect(PersonalIdentityNumberError.checksumMismatch.description.contains("check digit"))
            #expect(PersonalIdentityNumberError.invalidMonth(13).description.contains("month 13"))
            #expect(PersonalIdentityNumberError.invalidDay(day: 89, month: 2).description.contains("samordningsnummer"))
            #expect(PersonalIdentityNumberError.wrongLength(9).description.contains("9 digits"))
        }

        @Test("printing never reveals the full number")
        func masking() throws {
            struct Holder { let person: PersonalIdentityNumber }
            let number = try parse("811218-9876")
            #expect(number.description == "19811218-****")
            #expect("\(number)" == "19811218-****")
            #expect(number.debugDescription == "PersonalIdentityNumber(19811218-****, personnummer)")
            var dumped = ""
            dump(number, to: &dumped)
            let renderings = [
                number.description, number.debugDescription, String(describing: number), String(reflecting: number),
                "\([number])", String(describing: Holder(person: number)), String(reflecting: Holder(person: number)),
                "\(Optional(number) as Any)", dumped,
            ]
            for text in renderings {
                #expect(!text.contains("9876"), "\(text)")
                #expect(!text.contains(number.normalized))
            }
            #expect(try parse("701063-2391").description == "19701063-****")
        }
    }
}

extension IdentityTests {
    @Suite("Pseudonymizer")
    struct PseudonymizerTests {
        static let vectorSecret = Array(UInt8(0)..<32) // 00 01 … 1f
        static let vectorHex = vectorSecret.map { String(format: "%02x", $0) }.joined()

        @Test("known HMAC-SHA256 vectors (computed with Python's hmac module)")
        func knownVectors() throws {
            let pseudonymizer = try Pseudonymizer(secret: Self.vectorSecret)
            #expect(pseudonymizer.clientRef(for: try parse("19121212-1212")).rawValue == "6352af149e826f2d873dff69170fafb0")
            #expect(pseudonymizer.clientRef(for: try parse("811218-9876")).rawValue == "dc14c122005e4ad803d98b5a21f92ea5")
        }

        @Test("the development secret is the documented text")
        func developmentVectors() throws {
            let development = Pseudonymizer.development
            #expect(development.clientRef(for: try parse("19121212-1212")).rawValue == "8f478b490915b3c81795ebcc18bf560e")
            #expect(development.clientRef(for: try parse("811218-9876")).rawValue == "747af9390816ee3ba5c9ea849bf58c28")
            let documented = try Pseudonymizer(secret: Array("trisam-development-clientref-secret-never-use-in-production".utf8))
            #expect(documented.clientRef(for: try parse("701063-2391")) == development.clientRef(for: try parse("701063-2391")))
        }

        @Test("the same number in any form gives the same clientRef")
        func sameAcrossForms() throws {
            let refs = try ["811218-9876", "8112189876", "198112189876", "19811218-9876"].map {
                Pseudonymizer.development.clientRef(for: try parse($0))
            }
            #expect(Set(refs).count == 1)
            #expect(
                try Pseudonymizer.development.clientRef(for: parse("121212+1212"))
                    == Pseudonymizer.development.clientRef(for: parse("191212121212")))
            // …and different numbers different ones.
            #expect(
                try Pseudonymizer.development.clientRef(for: parse("121212-1212"))
                    != Pseudonymizer.development.clientRef(for: parse("121212+1212")))
        }

        @Test("different secrets give different clientRefs")
        func differentSecrets() throws {
            let number = try parse("811218-9876")
            let a = try Pseudonymizer(secret: Self.vectorSecret)
            var other = Self.vectorSecret
            other[31] ^= 1
            let b = try Pseudonymizer(secret: other)
            #expect(a.clientRef(for: number) != b.clientRef(for: number))
            #expect(a.clientRef(for: number) != Pseudonymizer.development.clientRef(for: number))
        }

        @Test("a secret shorter than 32 bytes is refused")
        func shortSecret() throws {
            #expect(throws: PseudonymizerError.secretTooShort(31)) { try Pseudonymizer(secret: Array(repeating: 7, count: 31)) }
            #expect(throws: PseudonymizerError.secretTooShort(0)) { try Pseudonymizer(secret: []) }
            #expect(throws: Never.self) { try Pseudonymizer(secret: Array(repeating: 7, count: 32)) }
        }

        @Test("printing a pseudonymizer never shows the secret")
        func noSecretInDescription() throws {
            let pseudonymizer = try Pseudonymizer(secret: Array("0123456789abcdefghijklmnopqrstuvwxyz".utf8))
            var dumped = ""
            dump(pseudonymizer, to: &dumped)
            for text in [pseudonymizer.description, String(reflecting: pseudonymizer), dumped] {
                #expect(!text.contains("0123456789"))
                #expect(!text.contains("48, 49"))
            }
            #expect(pseudonymizer.description == "Pseudonymizer(secret: 36 bytes)")
        }

        @Test("fromEnvironment reads a hex secret")
        func environmentHex() throws {
            let number = try parse("19121212-1212")
            let lower = try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET": Self.vectorHex])
            #expect(lower.clientRef(for: number).rawValue == "6352af149e826f2d873dff69170fafb0")
            let upper = try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET": " \(Self.vectorHex.uppercased())\n"])
            #expect(upper.clientRef(for: number).rawValue == "6352af149e826f2d873dff69170fafb0")
        }

        @Test("fromEnvironment refuses missing, conflicting and malformed secrets")
        func environmentErrors() {
            #expect(throws: PseudonymizerError.missingSecret) { try Pseudonymizer.fromEnvironment([:]) }
            #expect(throws: PseudonymizerError.missingSecret) {
                try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET": "  ", "TRISAM_CLIENTREF_SECRET_FILE": ""])
            }
            #expect(throws: PseudonymizerError.conflictingSecretSources) {
                try Pseudonymizer.fromEnvironment([
                    "TRISAM_CLIENTREF_SECRET": Self.vectorHex, "TRISAM_CLIENTREF_SECRET_FILE": "/run/secrets/x",
                ])
            }
            #expect(throws: PseudonymizerError.invalidHex(variable: "TRISAM_CLIENTREF_SECRET")) {
                try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET": String(repeating: "zz", count: 32)])
            }
            #expect(throws: PseudonymizerError.invalidHex(variable: "TRISAM_CLIENTREF_SECRET")) {
                try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET": Self.vectorHex + "0"])
            }
            #expect(throws: PseudonymizerError.secretTooShort(31)) {
                try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET": String(Self.vectorHex.dropLast(2))])
            }
            #expect(throws: PseudonymizerError.self) {
                try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET_FILE": "/nonexistent/trisam-secret-\(UUID().uuidString)"])
            }
            do {
                _ = try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET_FILE": "/nonexistent/trisam-secret"])
                Issue.record("a missing file was accepted")
            } catch {
                guard case .unreadableSecretFile(let path, _) = error else {
                    Issue.record("unexpected error \(error)")
                    return
                }
                #expect(path == "/nonexistent/trisam-secret")
            }
            #expect(PseudonymizerError.missingSecret.description.contains("TRISAM_CLIENTREF_SECRET_FILE"))
        }

        @Test("fromEnvironment reads a secret file, hex or raw, trimming whitespace")
        func environmentFile() throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trisam-identity-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let number = try parse("19121212-1212")

            func pseudonymizer(fileContent: [UInt8]) throws -> Pseudonymizer {
                let file = directory.appendingPathComponent(UUID().uuidString)
                try Data(fileContent).write(to: file)
                return try Pseudonymizer.fromEnvironment(["TRISAM_CLIENTREF_SECRET_FILE": file.path])
            }

            // Hex with a trailing newline, as `openssl rand -hex 32 > file` writes it.
            let hex = try pseudonymizer(fileContent: Array((Self.vectorHex + "\n").utf8))
            #expect(hex.clientRef(for: number).rawValue == "6352af149e826f2d873dff69170fafb0")
            // The same 32 bytes raw.
            let raw = try pseudonymizer(fileContent: Self.vectorSecret)
            #expect(raw.clientRef(for: number).rawValue == "6352af149e826f2d873dff69170fafb0")
            // A raw passphrase with surrounding whitespace.
            let passphrase = "trisam-development-clientref-secret-never-use-in-production"
            let text = try pseudonymizer(fileContent: Array("  \(passphrase)\r\n".utf8))
            #expect(text.clientRef(for: number).rawValue == "8f478b490915b3c81795ebcc18bf560e")
            // Too short once trimmed.
            #expect(throws: PseudonymizerError.secretTooShort(5)) { try pseudonymizer(fileContent: Array(" short \n".utf8)) }
            #expect(throws: PseudonymizerError.secretTooShort(0)) { try pseudonymizer(fileContent: []) }
        }
    }
}
