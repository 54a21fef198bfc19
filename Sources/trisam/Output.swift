import Foundation

/// Writes a line to standard output unbuffered, so a parent process reading a pipe sees it at once.
func printLine(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
