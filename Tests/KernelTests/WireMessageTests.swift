import Foundation
import Kernel
import Support
import XCTest

/// Signing and the wire format, against Python's `hmac` for the digest.
final class WireMessageTests: XCTestCase {
    let signer = MessageSigner(key: "secret-key")
    let parts = [#"{"msg_type":"kernel_info_request"}"#, "{}", "{}", "{}"].map { Data($0.utf8) }

    /// `hmac.new(b'secret-key', header + parent + metadata + content, sha256).hexdigest()`.
    func testSignatureIsPythonsHMACSHA256() {
        XCTAssertEqual(signer.signature(parts), "d17a518f90349ab4b45de23230479bdf374054dd63a38de80b2e81572e765d0f")
        XCTAssertEqual(MessageSigner(key: "").signature(parts), "")
    }

    func testAMessageRoundTripsThroughItsFrames() throws {
        let header = WireMessage.header(type: "execute_request", session: "s1")
        let message = WireMessage(identities: [Data("client-7".utf8)], header: header, content: ["code": "1 + 1", "silent": false])
        let frames = message.encode(signer: signer)
        XCTAssertEqual(frames[1], Data("<IDS|MSG>".utf8))
        let back = try WireMessage.decode(frames, signer: signer)
        XCTAssertEqual(back.identities, [Data("client-7".utf8)])
        XCTAssertEqual(back.type, "execute_request")
        XCTAssertEqual(back.content["code"]?.stringValue, "1 + 1")
        XCTAssertEqual(back.header["version"]?.stringValue, "5.3")
    }

    /// A changed byte, a signature made with another key, a truncated or missing signature:
    /// each is refused before the content is read.
    func testBadSignaturesAreRefused() throws {
        let message = WireMessage(header: WireMessage.header(type: "execute_request", session: "s"), content: ["code": "forged = 1"])
        var frames = message.encode(signer: signer)
        frames[5] = Data(#"{"code":"forged = 2"}"#.utf8)
        XCTAssertThrowsError(try WireMessage.decode(frames, signer: signer)) { error in
            XCTAssertTrue("\(error)".contains("bad signature"), "\(error)")
            XCTAssertTrue("\(error)".contains("execute_request"), "\(error)")
        }
        for forged in [message.encode(signer: MessageSigner(key: "other")), message.encode(signer: MessageSigner(key: ""))] {
            XCTAssertThrowsError(try WireMessage.decode(forged, signer: signer))
        }
        var truncated = message.encode(signer: signer)
        truncated[1] = truncated[1].prefix(20)
        XCTAssertThrowsError(try WireMessage.decode(truncated, signer: signer))
        XCTAssertThrowsError(try WireMessage.decode([Data("x".utf8)], signer: signer)) { error in
            XCTAssertTrue("\(error)".contains("delimiter"), "\(error)")
        }
    }

    func testConnectionFileIsRead() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("palm-conn-\(getpid()).json").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Data(#"{"shell_port": 5001, "iopub_port": 5002, "stdin_port": 5003, "control_port": 5004, "hb_port": 5005, "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256", "kernel_name": "palm"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir))
        let info = try ConnectionInfo(path: dir)
        XCTAssertEqual(info.endpoint(info.controlPort), "tcp://127.0.0.1:5004")
        XCTAssertEqual(info.key, "k")
        try Data(#"{"shell_port": "x"}"#.utf8).write(to: URL(fileURLWithPath: dir))
        XCTAssertThrowsError(try ConnectionInfo(path: dir)) { XCTAssertTrue("\($0)".contains("shell_port"), "\($0)") }
    }
}
