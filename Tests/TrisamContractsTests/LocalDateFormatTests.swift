import Testing
import TrisamContracts

@Suite("LocalDate text")
struct LocalDateFormatTests {
    @Test("every date from 1900 to 2200 is written as YYYY-MM-DD, zero-padded, and reads back")
    func writtenAndReadBack() throws {
        let first = try #require(LocalDate(year: 1900, month: 1, day: 1))
        var day = first
        let last = try #require(LocalDate(year: 2200, month: 12, day: 31))
        var checked = 0
        while day <= last {
            let text = day.description
            let expected =
                String(day.year) + "-" + (day.month < 10 ? "0" : "") + String(day.month)
                + "-" + (day.day < 10 ? "0" : "") + String(day.day)
            #expect(text == expected)
            #expect(LocalDate(text) == day)
            day = day.adding(days: 1)
            checked += 1
        }
        #expect(checked == last.daysSinceEpoch - first.daysSinceEpoch + 1)
    }
}
