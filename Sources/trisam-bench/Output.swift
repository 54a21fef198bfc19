import Foundation

/// Writes a line to standard output unbuffered, so a parent process reading a pipe sees it at once.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

extension Duration {
    /// The duration in seconds, as benchmarks report it.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// The middle value of `values` (the mean of the middle two for an even count); `values` must not be empty.
func medianOf(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Whether this is a release build (benchmarks print it: debug figures mean little).
var isReleaseBuild: Bool {
    #if DEBUG
        false
    #else
        true
    #endif
}
