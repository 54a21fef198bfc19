import Foundation
import TrisamProcess

/// Runs the Python interpreter of the test environment (`$TRISAM_PYTHON`, which scripts/test
/// provides with the packages the tests use, or `python3`) with `arguments`, feeding `input` on
/// standard input.
public func runPython(_ arguments: [String], input: Data) throws -> (status: Int32, output: Data, error: String) {
    let python = ProcessInfo.processInfo.environment["TRISAM_PYTHON"] ?? "python3"
    let run = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), [python] + arguments, input: input)
    return (run.status, run.output, String(decoding: run.errors, as: UTF8.self))
}
