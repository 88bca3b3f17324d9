import Audio
import Foundation

/// Long recordings for the crop-only tests, built from the real sounds in Tests/Fixtures/audio
/// (speech, a choir, a piano, a drum, a cinematic boom): each sound in turn, then a second of
/// silence, until the recording is `seconds` long. The sounds keep their samples whatever the
/// rate they are written at (a pitch change does not matter here; real material does: it
/// exercises every resampler tap, which silence or a sine would not).
enum LongRecording {
    /// The fixture sounds' channels, decoded once.
    static let sounds: [[Float]] = {
        let names = ["asterisk_hello-world_16k_float.wav", "sonicpi_ambi_choir_44k_stereo.flac", "asterisk_vm-opts_8k_mono.wav",
                     "sonicpi_ambi_piano_48k_stereo24.wav", "sonicpi_tabla_ghe2_44k_mono.flac", "sonicpi_misc_cineboom_44k_stereo.flac"]
        return names.flatMap { (try? AudioDecoder().decode(GoldenFixtures.path($0)).channels) ?? [] }
    }()

    /// `channels` channels of `seconds * rate` frames. Channel `c` starts its sound sequence at
    /// sound `c`, so channels differ.
    static func samples(seconds: Double, rate: Int, channels: Int) -> [[Float]] {
        let frames = Int(seconds * Double(rate))
        return (0..<channels).map { c in
            var x = [Float]()
            x.reserveCapacity(frames)
            var k = c
            while x.count < frames {
                x += sounds[k % sounds.count].prefix(frames - x.count)
                x += repeatElement(0, count: min(rate, frames - x.count))
                k += 1
            }
            return x
        }
    }

    /// Writes such a recording to `path` and returns its samples as written.
    @discardableResult
    static func write(_ path: String, seconds: Double, rate: Int, channels: Int, format: AudioFileFormat) throws -> [[Float]] {
        let x = samples(seconds: seconds, rate: rate, channels: channels)
        try AudioWriter.write(x, sampleRate: rate, to: path, format: format)
        return x
    }
}
