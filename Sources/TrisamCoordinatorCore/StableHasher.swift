import Foundation

/// FNV-1a 64-bit over a stream of strings and bytes, with separators: stable across runs and
/// processes (unlike `Hasher`), good enough to compare two stores.
package struct StableHasher {
    private var a: UInt64 = 0xcbf2_9ce4_8422_2325
    private var b: UInt64 = 0x8422_2325_cbf2_9ce4
    private var count = 0

    package init() {}

    package mutating func combine(_ bytes: some Sequence<UInt8>) {
        if bytes.withContiguousStorageIfAvailable({ combine(buffer: $0) }) != nil { return }
        for byte in bytes { mix(byte) }
        finishItem()
    }

    package mutating func combine(_ text: String) {
        var text = text
        text.withUTF8 { combine(buffer: $0) }
    }

    private mutating func combine(buffer: UnsafeBufferPointer<UInt8>) {
        for byte in buffer { mix(byte) }
        finishItem()
    }

    @inline(__always) private mutating func mix(_ byte: UInt8) {
        a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
        b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 &+ 0x9e37_79b9_7f4a_7c15
    }

    private mutating func finishItem() {
        a = (a ^ 0xff) &* 0x100_0000_01b3
        count += 1
    }

    package var hexDigest: String { String(format: "%016llx%016llx-%d", a, b, count) }
    package var shortDigest: String {
        let hex = String(a ^ (b &* 31), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
