import Foundation

/// A Standard MIDI File (format 0, one track) holding one note, written byte by byte:
/// `MThd` (format 0, 1 track, 480 ticks per quarter), then `MTrk` with a tempo of 120 bpm
/// (500 000 us per quarter, so 960 ticks = 1 s), a program change, note-on, note-off after
/// `seconds`, and end-of-track after `tailSeconds` more so the release is rendered too.
public struct NoteSpec: Sendable, Hashable {
    /// General MIDI program, 0-based (0 = Acoustic Grand Piano).
    public var program: Int
    /// MIDI note number (60 = middle C).
    public var pitch: Int
    /// 1...127.
    public var velocity: Int
    public var seconds: Double
    public var tailSeconds: Double

    /// The default 2.0 s note plus 0.4 s of release is 104 aisfx frames at 44.1 kHz: one whole
    /// 100-frame block, so no evaluation clip is mostly zero padding.
    public init(program: Int, pitch: Int, velocity: Int, seconds: Double = 2.0, tailSeconds: Double = 0.4) {
        self.program = program; self.pitch = pitch; self.velocity = velocity
        self.seconds = seconds; self.tailSeconds = tailSeconds
    }

    /// The file's bytes.
    public var midiBytes: [UInt8] {
        let ticksPerSecond = 960.0
        var track: [UInt8] = []
        track += [0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20]            // tempo 500000 us/quarter
        track += [0x00, 0xC0, UInt8(program & 0x7F)]                    // program change, channel 0
        track += [0x00, 0x90, UInt8(pitch & 0x7F), UInt8(velocity & 0x7F)]
        track += NoteSpec.variableLength(Int(seconds * ticksPerSecond)) + [0x80, UInt8(pitch & 0x7F), 0x40]
        track += NoteSpec.variableLength(Int(tailSeconds * ticksPerSecond)) + [0xFF, 0x2F, 0x00]
        var out: [UInt8] = Array("MThd".utf8) + [0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0]
        out += Array("MTrk".utf8) + NoteSpec.bigEndian32(track.count) + track
        return out
    }

    /// MIDI variable-length quantity: 7 bits per byte, most significant first, high bit set on
    /// all but the last.
    public static func variableLength(_ value: Int) -> [UInt8] {
        var v = max(0, value)
        var bytes: [UInt8] = [UInt8(v & 0x7F)]
        v >>= 7
        while v > 0 { bytes.insert(UInt8(v & 0x7F) | 0x80, at: 0); v >>= 7 }
        return bytes
    }

    static func bigEndian32(_ v: Int) -> [UInt8] { [UInt8((v >> 24) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}
