import App
import ArgumentParser
import Foundation
import ProxyConfig
import QRCode
import SecondFactor
import UserStore

struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users' second factors in the store.", subcommands: [Enrol.self, List.self, Reset.self])

    struct Enrol: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol a user for TOTP: a new secret (otpauth URI and QR code) or an imported one.")
        @OptionGroup var options: ConfigOption
        @Argument(help: "The username, as the directory's username attribute gives it (e.g. uid).") var user: String
        @Option(help: "Import this base32 secret instead of generating one.") var secret: String?
        @Flag(help: "Do not draw the QR code.") var noQR = false
        @Flag(help: "Draw the QR code with ASCII characters.") var ascii = false

        func run() async throws {
            let configuration = try options.load()
            let bytes = try secret.map { try Base32.decode($0) } ?? TOTP.generateSecret()
            let (store, warning) = try ConfiguredUserStore.open(configuration)
            if let warning { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
            try await store.enrolTOTP(username: user, secret: bytes)
            let parameters = try ProxyApplication.totpParametersForCLI(configuration)
            let uri = TOTP.otpauthURI(secret: bytes, account: user, parameters: parameters)
            print("Enrolled \(user) for TOTP.")
            print("otpauth URI (treat it as a secret): \(uri)")
            if !noQR {
                let code = try QRCode.encode(uri)
                print(ascii ? code.asciiString() : code.terminalString())
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List enrolled users (never their secrets).")
        @OptionGroup var options: ConfigOption
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let configuration = try options.load()
            let store = try ConfiguredUserStore.open(configuration).store
            let users = try await store.listUsers()
            if json {
                let formatter = ISO8601DateFormatter()
                let items = try await store.listUserDetails().map { details -> [String: Any] in
                    let user = details.record
                    var item: [String: Any] = SyncOutput.directoryFields(details)
                    item.merge([
                        "username": user.username, "enrolled": user.enrolled,
                        "created_at": formatter.string(from: user.createdAt),
                    ]) { $1 }
                    if let last = user.lastUsedAt { item["last_used_at"] = formatter.string(from: last) }
                    return item
                }
                let data = try JSONSerialization.data(withJSONObject: items, options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                for user in users {
                    print(
                        "\(user.username)\t\(user.enrolled ? "totp" : "-")\tlast used: \(user.lastUsedAt.map { "\($0)" } ?? "never")"
                    )
                }
            }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a user's TOTP enrolment.")
        @OptionGroup var options: ConfigOption
        @Argument var user: String

        func run() async throws {
            let configuration = try options.load()
            if try await ConfiguredUserStore.open(configuration).store.reset(username: user) {
                print("Reset \(user): the TOTP enrolment is removed.")
            } else {
                print("\(user) was not enrolled.")
                throw ExitCode(1)
            }
        }
    }
}
