import Foundation
import SpinModel

/// A rule `openapi.yaml` states for a path or query parameter, checked before the operation
/// runs (the generated code checks only types). Each case mirrors one schema of the document;
/// `ContractTests` compares them.
enum ParameterRule: Sendable, Equatable {
    /// `VMRef`: a VM id (digits) or name, 1 to 63 characters.
    case vmRef
    /// A volume or VM name: a letter, then letters, digits, `-`, `_`; at most 63.
    case name
    /// An image file name: like a name, `.` allowed after the first character, never `..`.
    case imageName
    /// A queue name: 1 to 64 characters.
    case resource
    /// An integer in the range.
    case integer(ClosedRange<Int64>)

    /// An integer number of seconds in one of the SDK's ranges (``ServiceLimits``).
    static func seconds(_ range: ClosedRange<Int>) -> ParameterRule { .integer(Int64(range.lowerBound)...Int64(range.upperBound)) }
    /// A UUID.
    case uuid
    /// `true` or `false`.
    case boolean

    /// What is wrong with `value`, or nil when it fits.
    func problem(with value: String) -> String? {
        switch self {
        case .vmRef:
            let digits = !value.isEmpty && value.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            guard value.utf8.count <= 63, digits || Self.isName(value, dots: false) else {
                return "must be a VM id or a name (a letter, then letters, digits, \"-\" or \"_\"; 1 to 63 characters)"
            }
        case .name:
            guard Self.isName(value, dots: false) else {
                return "must be a name: a letter, then letters, digits, \"-\" or \"_\" (1 to 63 characters)"
            }
        case .imageName:
            guard Self.isName(value, dots: true), !value.contains("..") else {
                return "must be an image name: a letter, then letters, digits, \".\", \"-\" or \"_\", never \"..\" (1 to 63 characters)"
            }
        case .resource:
            guard (1...64).contains(value.unicodeScalars.count) else { return "must be 1 to 64 characters long" }
        case .integer(let range):
            guard let number = Int64(value), range.contains(number) else {
                return "must be an integer from \(range.lowerBound) to \(range.upperBound)"
            }
        case .uuid:
            guard UUID(uuidString: value) != nil else { return "must be a UUID" }
        case .boolean:
            guard value == "true" || value == "false" else { return "must be true or false" }
        }
        return nil
    }

    static func isName(_ value: String, dots: Bool) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first, bytes.count <= 63, isLetter(first) else { return false }
        return bytes.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D || $0 == 0x5F || (dots && $0 == 0x2E) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) }

    /// The rule of path parameter `name` of `template`.
    static func path(_ name: String, in template: String) -> ParameterRule? {
        switch name {
        case "ref": .vmRef
        case "volume": .name
        case "name": template.hasPrefix("/v1/images/") ? .imageName : .name
        case "snapshot": .imageName
        case "index": .integer(0...1000)
        case "id": template.hasPrefix("/v1/packages/") ? .integer(1...Int64.max) : .uuid
        case "resource": .resource
        default: nil
        }
    }

    /// The rules of the query parameters of `template`, by name.
    static func query(in template: String) -> [String: ParameterRule] {
        switch template {
        case "/v1/events": ["vm": .vmRef]
        case "/v1/images": ["volume": .name]
        case "/v1/volumes/{name}": ["force": .boolean]
        case "/v1/vms/{ref}/log": ["offset": .integer(0...Int64.max), "maxBytes": .integer(1...1_048_576)]
        case "/v1/vms/{ref}/stop", "/v1/vms/{ref}/restart": ["timeoutSeconds": .seconds(ServiceLimits.stopTimeoutSeconds)]
        case "/v1/vms/{ref}/shutdown": ["timeoutSeconds": .seconds(ServiceLimits.shutdownTimeoutSeconds)]
        case "/v1/packages/{id}/wait": ["timeoutSeconds": .seconds(ServiceLimits.packageWaitSeconds)]
        case "/v1/queues/{resource}/next": ["leaseSeconds": .integer(1...3600), "waitSeconds": .integer(0...120)]
        default: [:]
        }
    }
}
