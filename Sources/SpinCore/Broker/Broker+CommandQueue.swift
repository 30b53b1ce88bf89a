import Foundation

extension Broker: CommandQueue {}
