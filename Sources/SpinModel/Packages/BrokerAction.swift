import Foundation

/// One kind of command: a resource queue, an action name, and the typed parameters it takes.
///
/// ```swift
/// enum CreateImage: BrokerAction {
///     static let resource = "storage"
///     static let action = "create_image"
///     struct Parameters: Codable, Sendable { var volume: String; var image: String; var sizeBytes: UInt64 }
/// }
/// ```
public protocol BrokerAction: Sendable {
    /// The parameters the action takes; decoding checks presence and types.
    associatedtype Parameters: Codable & Sendable
    /// The queue the action belongs to, such as `storage` or `emulation`.
    static var resource: String { get }
    /// The action's name within its resource, such as `create_image`.
    static var action: String { get }
}
