import Foundation

/// Every written form of a personnummer a reader could search a file or a message for.
public func writtenForms(_ number: String) -> [String] {
    let twelve = number.filter(\.isNumber)
    let ten = String(twelve.suffix(10))
    let date8 = String(twelve.prefix(8))
    let date6 = String(ten.prefix(6))
    let last4 = String(twelve.suffix(4))
    return [
        twelve, ten, "\(date8)-\(last4)", "\(date6)-\(last4)", "\(date6)+\(last4)", "\(date8) \(last4)", "\(date6) \(last4)",
        // As UTF-16 (SQLite may store text so), the 10-digit form.
        String(decoding: Array(ten.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, as: UTF8.self),
    ]
}
