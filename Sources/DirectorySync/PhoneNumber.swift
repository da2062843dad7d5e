/// A phone number as the directory writes it, with an extension after an `x`: "555-123-4567 x890" is the number
/// "555-123-4567" and the extension "890" (Azure MFA Server's rule when no extension attribute is mapped).
public struct PhoneNumber: Sendable, Hashable {
    public var number: String
    public var phoneExtension: String?

    public init(number: String, phoneExtension: String? = nil) {
        self.number = number
        self.phoneExtension = phoneExtension
    }

    /// Splits `text` at its last `x` or `X` that is followed only by digits (spaces around it allowed) and
    /// preceded by something; text without one is all number. Leading and trailing spaces are dropped.
    public init(parsing text: String) {
        let trimmed = text.trimmingSpaces
        let characters = Array(trimmed)
        guard let marker = characters.lastIndex(where: { $0 == "x" || $0 == "X" }), marker > 0 else {
            self.init(number: trimmed)
            return
        }
        let digits = String(characters[(marker + 1)...]).trimmingSpaces
        let number = String(characters[..<marker]).trimmingSpaces
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), !number.isEmpty else {
            self.init(number: trimmed)
            return
        }
        self.init(number: number, phoneExtension: digits)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
