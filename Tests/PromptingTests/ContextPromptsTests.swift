import Models
import Prompting
import Tensor
import TestSupport
import XCTest

/// Prompt assembly of CoOp's context: where the class tokens go, class-specific context,
/// initialisation from words (checked against the frozen token embeddings themselves).
final class ContextPromptsTests: XCTestCase {
    let model = try! CoOpFixture.model()
    let classes = ["dog bark", "rain"]

    /// Token embeddings of `text`'s tokens (without start/end).
    func tokens(_ text: String) throws -> Tensor {
        let t = try model.tokenize([text])
        return try model.tokenEmbeddings(t).select(axis: 0, index: 0).slice(axis: 0, start: 1, end: t.lengths[0] - 1)
    }

    func rows(_ prompts: Tensor, _ cls: Int, _ range: Range<Int>) throws -> [Float] {
        try prompts.select(axis: 0, index: cls).slice(axis: 0, start: range.lowerBound, end: range.upperBound).toArray()
    }

    func testClassTokenPositions() throws {
        let ctxLen = 4
        for position in ContextPrompts.ClassPosition.allCases {
            let p = try ContextPrompts(model: model, classNames: classes, nCtx: ctxLen, position: position)
            let e = try p.promptEmbeddings()
            XCTAssertEqual(e.shape, [2, 40, 32])
            let name = try tokens("dog bark").toArray(), nameLen = name.count / 32  // "dog", "bark"
            let ctx = p.context.toArray()
            switch position {
            case .end:
                XCTAssertEqual(try rows(e, 0, 1..<5), ctx)
                XCTAssertEqual(try rows(e, 0, 5..<(5 + nameLen)), name)
            case .front:
                XCTAssertEqual(try rows(e, 0, 1..<(1 + nameLen)), name)
                XCTAssertEqual(try rows(e, 0, (1 + nameLen)..<(5 + nameLen)), ctx)
            case .middle:
                XCTAssertEqual(try rows(e, 0, 1..<3), Array(ctx[0..<64]))
                XCTAssertEqual(try rows(e, 0, 3..<(3 + nameLen)), name)
                XCTAssertEqual(try rows(e, 0, (3 + nameLen)..<(5 + nameLen)), Array(ctx[64...]))
            }
            // The period, EOS and padding keep their places after the name.
            XCTAssertEqual(try rows(e, 0, (5 + nameLen)..<(6 + nameLen)), try tokens(".").toArray())
        }
    }

    func testClassSpecificContextAndWordInitialisation() throws {
        let specific = try ContextPrompts(model: model, classNames: classes, nCtx: 3, classSpecific: true)
        XCTAssertEqual(specific.context.shape, [2, 3, 32])
        let e = try specific.promptEmbeddings()
        XCTAssertEqual(try rows(e, 1, 1..<4), try specific.context.select(axis: 0, index: 1).toArray())

        let words = try ContextPrompts(model: model, classNames: classes, initWords: "This is a recording of")
        XCTAssertEqual(words.nCtx, 5, "one context vector per token of the initialisation")
        XCTAssertEqual(words.context.toArray(), try tokens("This is a recording of").toArray())
        XCTAssertEqual(try rows(words.promptEmbeddings(), 0, 1..<6), words.context.toArray())
    }
}
